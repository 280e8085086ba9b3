package jotmai.delivery;

import java.io.IOException;

/** Reopens a sink on a given port (a destination that "comes back"), retrying while the port is busy. */
final class TestSinkAt {
    private TestSinkAt() {}

    static TestSink open(int port) throws IOException, InterruptedException {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return new TestSink(port);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
