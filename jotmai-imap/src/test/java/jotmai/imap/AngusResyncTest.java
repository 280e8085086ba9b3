package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jakarta.mail.Folder;
import jakarta.mail.event.MailEvent;
import jakarta.mail.event.MessageChangedEvent;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.MessageVanishedEvent;
import org.eclipse.angus.mail.imap.ResyncData;
import org.junit.jupiter.api.Test;

import jotmai.store.FlagOperation;
import jotmai.store.UidSet;

/** A real client's offline resync: Angus Mail IMAPFolder.open with ResyncData (RFC 7162 QRESYNC). */
class AngusResyncTest extends ImapServerTestBase {
    @Override
    void beforeStart() {
        for (int i = 1; i <= 10; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
    }

    private IMAPStore connect() throws Exception {
        return fx.angus("alice@example.test");
    }

    @Test
    void angusMailReopensWithQresyncAndLearnsVanishedAndChangedMessages() throws Exception {
        long uidValidity;
        long modSeq;
        IMAPStore store = connect();
        try {
            assertThat(store.hasCapability("QRESYNC")).isTrue();
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE, ResyncData.CONDSTORE);
            uidValidity = inbox.getUIDValidity();
            modSeq = inbox.getHighestModSeq();
            inbox.close(false);
        } finally {
            store.close();
        }
        // while the client is away: a flag change on UID 3, UIDs 5 and 6 expunged
        long box = fx.inbox(alice).id();
        fx.store.mail().updateFlags(box, UidSet.of(3L), FlagOperation.ADD, Set.of("\\Flagged"), OptionalLong.empty());
        fx.store.mail().updateFlags(box, UidSet.of(5L, 6L), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        fx.store.mail().expunge(box, Optional.empty());

        store = connect();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            List<MailEvent> events = inbox.open(Folder.READ_WRITE, new ResyncData(uidValidity, modSeq));
            List<Long> vanished = new ArrayList<>();
            List<Long> changed = new ArrayList<>();
            for (MailEvent e : events) {
                if (e instanceof MessageVanishedEvent v) {
                    for (long uid : v.getUIDs()) {
                        vanished.add(uid);
                    }
                } else if (e instanceof MessageChangedEvent c) {
                    changed.add(inbox.getUID(c.getMessage()));
                }
            }
            assertThat(vanished).containsExactlyInAnyOrder(5L, 6L);
            assertThat(changed).contains(3L);
            assertThat(inbox.getMessageByUID(3).isSet(jakarta.mail.Flags.Flag.FLAGGED)).isTrue();
            assertThat(inbox.getMessageCount()).isEqualTo(8);
            inbox.close(false);
        } finally {
            store.close();
        }
    }
}
