package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.eclipse.angus.mail.imap.ACL;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jotmai.store.Account;
import jotmai.store.Rights;

/** Angus Mail (a real client) finds and reads shared folders through the namespaces NAMESPACE announces. */
class AclRealClientTest extends ImapServerTestBase {
    Account bob;

    @Override
    void beforeStart() {
        bob = fx.account("bob");
    }

    private IMAPStore connect(String user) throws Exception {
        return fx.angus(user);
    }

    @Test
    void angusMailReadsAColleaguesInboxThroughOtherUsersAndASharedFolder() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        fx.deliver(bob, ImapFixture.message(2));
        Account shared = fx.account("shared");
        fx.store.mail().createMailbox(shared.id(), "Team", Optional.empty());
        long team = fx.store.mail().mailbox(shared.id(), "Team").orElseThrow().id();
        fx.store.acl().setRights(team, "anyone", Rights.of("lrswi"));

        IMAPStore bobStore = connect("bob@example.test");
        IMAPStore aliceStore = connect("alice@example.test");
        try {
            // the owner shares with ACL commands through Angus's IMAPFolder.addACL
            IMAPFolder bobInbox = (IMAPFolder) bobStore.getFolder("INBOX");
            assertThat(bobStore.hasCapability("ACL")).isTrue();
            bobInbox.addACL(new ACL("alice@example.test", new org.eclipse.angus.mail.imap.Rights("lrs")));
            assertThat(List.of(bobInbox.getACL())).extracting(ACL::getName).contains("alice@example.test");

            Folder[] others = aliceStore.getUserNamespaces("bob@example.test");
            assertThat(others).hasSize(1);
            Folder inbox = others[0].getFolder("INBOX");
            assertThat(inbox.getFullName()).isEqualTo("Other Users/bob@example.test/INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            Message first = inbox.getMessage(1);
            assertThat(first.getSubject()).isEqualTo("message 1");
            first.setFlag(Flags.Flag.SEEN, true);
            first.setFlag(Flags.Flag.FLAGGED, true); // no "w": silently not stored
            assertThat(((IMAPFolder) inbox).myRights().contains(org.eclipse.angus.mail.imap.Rights.Right.READ)).isTrue();

            Folder[] sharedNs = aliceStore.getSharedNamespaces();
            assertThat(sharedNs).hasSize(1);
            assertThat(List.of(sharedNs[0].list()).stream().map(Folder::getFullName)).containsExactly("Shared Folders/Team");
            Folder teamFolder = sharedNs[0].getFolder("Team");
            inbox.copyMessages(new Message[] {first}, teamFolder); // "i" on the shared folder
            inbox.close(false);
            // issue 7: Alice's \Seen is her own; Bob's flags stay as they were, and STATUS counts per user
            assertThat(fx.store.mail().messages(fx.inbox(bob).id()).get(0).flags()).isEmpty();
            assertThat(fx.store.mail().seenMarks(fx.inbox(bob).id(), alice.id(), jotmai.store.UidSet.ALL))
                    .extracting(jotmai.store.SeenMark::uid).containsExactly(1L);
            assertThat(inbox.getUnreadMessageCount()).isEqualTo(1);
            assertThat(bobInbox.getUnreadMessageCount()).isEqualTo(2);
            teamFolder.open(Folder.READ_ONLY);
            assertThat(teamFolder.getMessageCount()).isEqualTo(1);
            assertThat(teamFolder.getMessage(1).getSubject()).isEqualTo("message 1");
            assertThat(teamFolder.getMessage(1).isSet(Flags.Flag.SEEN)).as("the copy keeps Alice's view").isTrue();
            teamFolder.close(false);
        } finally {
            aliceStore.close();
            bobStore.close();
        }
    }
}
