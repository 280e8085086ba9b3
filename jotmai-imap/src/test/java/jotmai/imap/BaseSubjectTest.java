package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 5256 §2.1 base subject extraction, table-driven. */
class BaseSubjectTest {
    private static String base(String raw) {
        return BaseSubject.of(raw).base();
    }

    @Test
    void replyAndForwardMarkersTagsAndTrailersAreRemoved() {
        assertThat(base("Re: lunch")).isEqualTo("lunch");
        assertThat(base("RE: Re: re:lunch")).isEqualTo("lunch");
        assertThat(base("Fwd: lunch (fwd)")).isEqualTo("lunch");
        assertThat(base("Fw: Re[2]: lunch")).isEqualTo("lunch"); // "Re" SP? blob ":" is a subj-refwd
        assertThat(base("Re [2]: lunch")).isEqualTo("lunch");
        assertThat(base("[list] Re: [list] lunch   ")).isEqualTo("lunch");
        assertThat(base("[fwd: Re: lunch]")).isEqualTo("lunch");
        assertThat(base("[only a tag]")).isEqualTo("[only a tag]");
        assertThat(base("  lunch \t tomorrow  ")).isEqualTo("lunch tomorrow");
        assertThat(base(null)).isEmpty();
        assertThat(base("Re:")).isEmpty();
    }

    @Test
    void encodedWordsAreDecodedBeforeExtraction() {
        assertThat(base("=?UTF-8?Q?Re:_caf=C3=A9?=")).isEqualTo("café");
        assertThat(base("=?ISO-8859-1?Q?Fwd=3A_Gr=FC=DFe?=")).isEqualTo("Grüße");
    }

    @Test
    void replyOrForwardIsRememberedForThreading() {
        assertThat(BaseSubject.of("Re: x").replyOrForward()).isTrue();
        assertThat(BaseSubject.of("x (fwd)").replyOrForward()).isTrue();
        assertThat(BaseSubject.of("[tag] x").replyOrForward()).isFalse();
    }

    @Test
    void adversarialSubjectsFinish() {
        assertThat(base("Re: ".repeat(5000) + "x")).isEqualTo("x");
        assertThat(base("[".repeat(5000))).isEqualTo("[".repeat(5000));
        assertThat(base("[a]".repeat(5000))).isEqualTo("[a]");
    }
}
