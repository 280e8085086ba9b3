package jotmai.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA or BDAT LAST, or RSET.
 * Holds the DSN parameters (RFC 3461) for the outbound queue.
 */
final class Transaction {

    /** An accepted RCPT. {@code notifyOn} and {@code orcpt} are "" when absent. */
    record Recipient(String address, RecipientPolicy.Decision decision, String notifyOn, String orcpt) {}

    final Optional<MailAddress> from;
    final long sizeHint;
    final boolean smtputf8;
    final boolean eightBitMime;
    /** BODY=BINARYMIME (RFC 3030 §3): content only by BDAT; queued as 8-bit, delivery converts it. */
    final boolean binaryMime;
    final String ret;
    final String envid;
    final List<Recipient> recipients = new ArrayList<>();
    /** The BDAT staging file, open between the first chunk and LAST. */
    StagedMessage chunks;
    /** A BDAT chunk failed (too big, store error); later chunks are read and dropped until LAST. */
    SmtpReply chunkFailure;

    Transaction(Optional<MailAddress> from, long sizeHint, boolean smtputf8, boolean eightBitMime, String ret,
                String envid, boolean binaryMime) {
        this.from = from;
        this.sizeHint = sizeHint;
        this.smtputf8 = smtputf8;
        this.eightBitMime = eightBitMime;
        this.ret = ret;
        this.envid = envid;
        this.binaryMime = binaryMime;
    }

    void discard() {
        if (chunks != null) {
            chunks.close();
            chunks = null;
        }
    }
}
