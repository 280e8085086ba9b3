package jotmai.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Records JFR {@code jdk.VirtualThreadPinned} events (a virtual thread that blocked while pinned to its
 * carrier, e.g. inside a JNI call or, before JDK 24, a monitor) while a test runs, so whole-server
 * tests show where Jotmai pins carriers (STYLE.md, virtual-thread hygiene).
 */
final class PinningRecorder implements AutoCloseable {

    /** Pins shorter than this are not worth a report. */
    static final Duration THRESHOLD = Duration.ofMillis(20);

    private final RecordingStream stream = new RecordingStream();
    private final List<String> pins = new CopyOnWriteArrayList<>();

    PinningRecorder() {
        stream.enable("jdk.VirtualThreadPinned").withThreshold(THRESHOLD).withStackTrace();
        stream.onEvent("jdk.VirtualThreadPinned", this::record);
        stream.startAsync();
    }

    private void record(RecordedEvent event) {
        String where = event.getStackTrace() == null ? "?" : event.getStackTrace().getFrames().stream()
                .filter(RecordedFrame::isJavaFrame)
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                .filter(name -> name.startsWith("jotmai."))
                .findFirst().orElse("(outside jotmai)");
        pins.add(event.getDuration().toMillis() + " ms at " + where);
    }

    /** Pinned blocking seen so far, as "N ms at class.method" (the first jotmai frame). */
    List<String> pins() {
        return List.copyOf(pins);
    }

    @Override
    public void close() {
        stream.close();
    }
}
