package jotmai.delivery;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jotmai.dkim.DkimKeys;
import jotmai.dkim.DkimSigner;
import jotmai.dkim.HeaderField;
import jotmai.dkim.SigningKeys;

/**
 * Signs outbound messages with every DKIM key stored for the From domain (see {@link DkimKeys}; parsed
 * keys are cached by {@link SigningKeys} until a key file changes); does nothing when DKIM signing is
 * switched off or the domain has no key.
 */
final class OutboundSigner {

    private final SigningKeys keys;
    private final boolean enabled;
    private final DkimSigner signer;

    OutboundSigner(Path dataDir, boolean enabled, Clock clock) {
        this.keys = new SigningKeys(dataDir);
        this.enabled = enabled;
        this.signer = new DkimSigner(clock);
    }

    /** The message with one DKIM-Signature field per key of its From domain, each new one on top. */
    RawMessage sign(RawMessage message) {
        String domain = message.fromDomain().orElse("");
        if (!enabled || domain.isEmpty()) {
            return message;
        }
        List<HeaderField> header = new ArrayList<>();
        for (RawMessage.Field f : message.fields()) {
            header.add(new HeaderField(f.name(), f.raw(), 0));
        }
        RawMessage out = message;
        for (DkimKeys.SigningKey key : keys.forDomain(domain)) {
            out = out.withFieldFirst(signer.signatureField(header, message.body(), key));
        }
        return out;
    }
}
