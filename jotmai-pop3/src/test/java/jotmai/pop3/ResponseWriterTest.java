package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ResponseWriterTest {

    @Test
    void statusLinesCarryResponseCodesAndCannotBeSplitByInjectedLineBreaks() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResponseWriter out = new ResponseWriter(bytes);
        out.ok("ready");
        out.err(Optional.of(ResponseCode.IN_USE), "locked\r\n+OK fake");
        out.err(Optional.empty(), "plain");
        out.line(".dot");
        out.end();
        out.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("+OK ready\r\n-ERR [IN-USE] locked  +OK fake\r\n-ERR plain\r\n..dot\r\n.\r\n");
    }
}
