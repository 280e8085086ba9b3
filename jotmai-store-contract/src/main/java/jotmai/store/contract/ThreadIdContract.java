package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.UidSet;

/** RFC 8474 §5.2 thread ids: assigned at store time from In-Reply-To/References, kept by COPY and MOVE. */
public interface ThreadIdContract extends StoreFixture {

    private static MessageSource messageWith(String id, String inReplyTo, String references) {
        String text = "From: a@example.org\r\nTo: b@example.com\r\nSubject: thread test\r\n"
                + (id == null ? "" : "Message-ID: <" + id + ">\r\n")
                + (inReplyTo == null ? "" : "In-Reply-To: <" + inReplyTo + ">\r\n")
                + (references == null ? "" : "References: " + references + "\r\n")
                + "\r\nbody of " + id + "\r\n";
        return MessageSource.ofBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private AppendResult store(Mailbox mailbox, String id, String inReplyTo, String references) {
        return mail().append(mailbox.id(), messageWith(id, inReplyTo, references), Set.of(), StoreFixture.date());
    }

    private long thread(Mailbox mailbox, long uid) {
        return mail().threadIds(mailbox.id(), UidSet.of(uid)).get(uid);
    }

    private static String unique(String name) {
        return name + "." + System.nanoTime() + "@example.org";
    }

    @Test
    default void aReplyJoinsTheThreadOfTheMessageItReferences() {
        Mailbox inbox = inbox(newAccount());
        String root = unique("root");
        String reply = unique("reply");
        store(inbox, root, null, null);
        store(inbox, unique("other"), null, null);
        store(inbox, reply, root, "<" + root + ">");
        store(inbox, unique("deep"), null, "<" + root + "> <" + reply + ">"); // References only
        store(inbox, null, null, null); // no Message-ID at all
        Map<Long, Long> ids = mail().threadIds(inbox.id(), UidSet.range(1, 5));
        assertThat(ids).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
        assertThat(ids.get(3L)).isEqualTo(ids.get(1L));
        assertThat(ids.get(4L)).isEqualTo(ids.get(1L));
        assertThat(ids.get(2L)).isNotEqualTo(ids.get(1L));
        assertThat(ids.get(5L)).isNotIn(ids.get(1L), ids.get(2L));
        assertThat(ids.values()).allMatch(id -> id > 0);
        assertThat(mail().threadMembers(inbox.id(), ids.get(1L))).isEqualTo(UidSet.of(1, 3, 4));
        assertThat(mail().threadMembers(inbox.id(), ids.get(2L))).isEqualTo(UidSet.of(2));
    }

    @Test
    default void repliesToAParentNeverReceivedShareAThreadAndAnEarlyReplyPullsInItsParent() {
        Mailbox inbox = inbox(newAccount());
        String lost = unique("lost");
        String late = unique("late");
        store(inbox, unique("r1"), lost, null);
        store(inbox, unique("r2"), lost, "<" + lost + ">");
        store(inbox, unique("child"), late, null); // the reply arrives before its parent
        store(inbox, late, null, null);
        assertThat(thread(inbox, 2)).isEqualTo(thread(inbox, 1));
        assertThat(thread(inbox, 4)).isEqualTo(thread(inbox, 3));
        assertThat(thread(inbox, 3)).isNotEqualTo(thread(inbox, 1));
    }

    @Test
    default void threadsAreLookedUpOnlyWithinTheSameAccount() {
        Account alice = newAccount();
        Account bob = newAccount();
        String root = unique("root");
        store(inbox(alice), root, null, null);
        store(inbox(bob), unique("reply"), root, null);
        assertThat(thread(inbox(bob), 1)).isNotEqualTo(thread(inbox(alice), 1));
        // one delivery to both: bob now knows root's reply, alice's copy joins her thread
        String second = unique("second");
        mail().deliver(messageWith(second, root, null), List.of(new DeliveryTarget(inbox(alice).id(), Set.of()),
                new DeliveryTarget(inbox(bob).id(), Set.of())), StoreFixture.date());
        assertThat(thread(inbox(alice), 2)).isEqualTo(thread(inbox(alice), 1));
        assertThat(thread(inbox(bob), 2)).isEqualTo(thread(inbox(bob), 1));
    }

    @Test
    default void copyAndMoveKeepTheThreadId() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        Mailbox trash = mail().mailbox(a.id(), "Trash").orElseThrow();
        String root = unique("root");
        store(inbox, root, null, null);
        store(inbox, unique("reply"), root, null);
        long t = thread(inbox, 1);
        mail().copy(inbox.id(), UidSet.of(1, 2), archive.id());
        mail().move(inbox.id(), UidSet.of(2), trash.id());
        assertThat(mail().threadIds(archive.id(), UidSet.range(1, 2))).containsValues(t, t).hasSize(2);
        assertThat(thread(trash, 1)).isEqualTo(t);
        assertThat(mail().threadMembers(inbox.id(), t)).isEqualTo(UidSet.of(1));
        assertThat(mail().threadIds(inbox.id(), UidSet.of(2, 99))).isEmpty();
        // a reply stored after the move still finds the thread
        store(archive, unique("later"), root, null);
        assertThat(thread(archive, 3)).isEqualTo(t);
    }
}
