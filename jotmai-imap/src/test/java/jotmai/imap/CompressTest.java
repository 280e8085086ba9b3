package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;

/** RFC 4978 COMPRESS=DEFLATE: raw-socket transcripts with a client-side zlib, and Angus Mail. */
class CompressTest extends ImapServerTestBase {
    @Override
    void beforeStart() {
        for (int i = 1; i <= 20; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
    }

    /** A client speaking raw deflate after COMPRESS, as RFC 4978 §3 describes. */
    static final class DeflateClient implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        final Inflater inflater = new Inflater(true);
        final ByteArrayOutputStream plain = new ByteArrayOutputStream();
        long compressedIn;
        int tags;

        DeflateClient(Socket socket, InputStream in) throws IOException {
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            byte[] data = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
            deflater.setInput(data);
            byte[] buf = new byte[4096];
            int n;
            while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
                out.write(buf, 0, n);
            }
            out.flush();
        }

        String readLine() throws IOException, DataFormatException {
            byte[] buf = new byte[8192];
            byte[] raw = new byte[8192];
            for (int i = 0; i < 100_000; i++) {
                String all = plain.toString(StandardCharsets.UTF_8);
                int eol = all.indexOf("\r\n");
                if (eol >= 0) {
                    byte[] rest = all.substring(eol + 2).getBytes(StandardCharsets.UTF_8);
                    plain.reset();
                    plain.write(rest);
                    return all.substring(0, eol);
                }
                int n = inflater.inflate(buf);
                if (n > 0) {
                    plain.write(buf, 0, n);
                    continue;
                }
                int got = in.read(raw);
                if (got < 0) {
                    return null;
                }
                compressedIn += got;
                inflater.setInput(raw, 0, got);
            }
            throw new IllegalStateException("no line");
        }

        List<String> command(String command) throws Exception {
            String tag = "z" + (++tags);
            send(tag + " " + command);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                String line = readLine();
                if (line == null) {
                    lines.add("<EOF>");
                    return lines;
                }
                lines.add(line);
                if (line.startsWith(tag + " ")) {
                    return lines;
                }
            }
            throw new IllegalStateException("too many lines");
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            inflater.end();
            socket.close();
        }
    }

    private DeflateClient compressed(ImapTestClient c) throws Exception {
        c.login("alice@example.test");
        assertThat(ImapTestClient.last(c.command("COMPRESS DEFLATE"))).isEqualTo("t2 OK DEFLATE active");
        return new DeflateClient(c.socket, c.socket.getInputStream());
    }

    @Test
    void capabilityIsAdvertisedOnlyAfterLogin() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            assertThat(c.readLine()).doesNotContain("COMPRESS=DEFLATE");
            List<String> r = c.command("LOGIN alice@example.test " + ImapFixture.PASSWORD);
            assertThat(ImapTestClient.last(r)).contains("COMPRESS=DEFLATE");
        }
    }

    @Test
    void afterCompressBothDirectionsAreDeflatedAndCommandsWork() throws Exception {
        ImapTestClient raw = new ImapTestClient(fx.port());
        try (DeflateClient c = compressed(raw)) {
            List<String> select = c.command("SELECT INBOX");
            assertThat(select).contains("* 20 EXISTS");
            assertThat(ImapTestClient.last(select)).startsWith("z1 OK [READ-WRITE]");
            List<String> fetch = c.command("FETCH 1:20 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(fetch).hasSizeGreaterThan(20);
            assertThat(fetch.get(0)).startsWith("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {");
            assertThat(c.command("NOOP")).containsExactly("z3 OK NOOP completed");
            assertThat(c.command("COMPRESS DEFLATE"))
                    .containsExactly("z4 NO [COMPRESSIONACTIVE] compression already active");
            assertThat(c.command("LOGOUT")).contains("* BYE logging out", "z5 OK LOGOUT completed");
        }
    }

    @Test
    void nothingIsSentAfterTheOkToCompressUntilTheNextCommand() throws Exception {
        // An empty sync-flush block arriving on its own made mbsync fail with "empty response".
        ImapTestClient raw = new ImapTestClient(fx.port());
        try (DeflateClient c = compressed(raw)) {
            c.socket.setSoTimeout(500);
            assertThatThrownBy(() -> c.in.read()).isInstanceOf(java.net.SocketTimeoutException.class);
            c.socket.setSoTimeout(30_000);
            assertThat(c.command("NOOP")).containsExactly("z1 OK NOOP completed");
        }
    }

    @Test
    void commandsPipelinedRightAfterCompressAreReadAsCompressed() throws Exception {
        Socket socket = new Socket("127.0.0.1", fx.port());
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        readRawLine(in); // greeting
        out.write(("a LOGIN alice@example.test " + ImapFixture.PASSWORD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (String line = readRawLine(in); !line.startsWith("a "); line = readRawLine(in)) {
            // capability lines
        }
        try (DeflateClient c = new DeflateClient(socket, in)) {
            // as mbsync does: COMPRESS and, in the same packet, the next command already compressed
            Deflater d = c.deflater;
            d.setInput("z1 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[256];
            int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.write("b COMPRESS DEFLATE\r\n".getBytes(StandardCharsets.US_ASCII));
            packet.write(buf, 0, n);
            out.write(packet.toByteArray());
            out.flush();
            assertThat(readRawLine(in)).isEqualTo("b OK DEFLATE active");
            assertThat(c.readLine()).isEqualTo("z1 OK NOOP completed");
            c.tags = 1;
            assertThat(c.command("NOOP")).containsExactly("z2 OK NOOP completed");
        }
    }

    /** One line read byte by byte, so nothing after it is consumed. */
    private static String readRawLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).stripTrailing();
    }

    @Test
    void unknownMechanismAndCompressBeforeLoginAreRefused() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            assertThat(ImapTestClient.last(c.command("COMPRESS DEFLATE"))).startsWith("t1 BAD");
            c.command("LOGIN alice@example.test " + ImapFixture.PASSWORD);
            assertThat(ImapTestClient.last(c.command("COMPRESS LZMA"))).startsWith("t3 BAD");
            assertThat(c.command("NOOP")).containsExactly("t4 OK NOOP completed"); // still uncompressed
        }
    }

    @Test
    void aCorruptCompressedStreamEndsTheSessionCleanly() throws Exception {
        ImapTestClient raw = new ImapTestClient(fx.port());
        try (DeflateClient c = compressed(raw)) {
            // 0xff: a deflate block header of reserved type 3, which is invalid (RFC 1951 §3.2.3)
            c.out.write(new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x13, 0x37});
            c.out.flush();
            assertThat(c.readLine()).isNull(); // the server closes the connection
        }
        // and the server still serves others
        try (ImapTestClient other = new ImapTestClient(fx.port())) {
            other.login("alice@example.test");
            assertThat(other.command("NOOP")).containsExactly("t2 OK NOOP completed");
        }
    }

    @Test
    void idleWorksOverACompressedConnection() throws Exception {
        ImapTestClient raw = new ImapTestClient(fx.port());
        try (DeflateClient c = compressed(raw)) {
            c.command("SELECT INBOX");
            c.send("i1 IDLE");
            assertThat(c.readLine()).startsWith("+ ");
            fx.deliver(alice, ImapFixture.message(21));
            assertThat(c.readLine()).isEqualTo("* 21 EXISTS");
            c.send("DONE");
            String line = c.readLine();
            if (line.equals("* 21 RECENT")) {
                line = c.readLine();
            }
            assertThat(line).isEqualTo("i1 OK IDLE completed");
        }
    }

    @Test
    void angusMailWithCompressionEnabledReadsMessages() throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(fx.port()));
        props.put("mail.imap.connectiontimeout", "30000");
        props.put("mail.imap.timeout", "60000");
        props.put("mail.imap.compress.enable", "true");
        IMAPStore store = (IMAPStore) Session.getInstance(props).getStore("imap");
        store.connect("alice@example.test", ImapFixture.PASSWORD);
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(20);
            Message m = inbox.getMessage(7);
            assertThat(m.getSubject()).isEqualTo("message 7");
            assertThat(m.getContent().toString()).contains("Hello 7");
            inbox.close(false);
        } finally {
            store.close();
        }
    }
}
