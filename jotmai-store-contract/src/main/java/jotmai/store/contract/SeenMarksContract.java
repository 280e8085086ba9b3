package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.SeenMark;
import jotmai.store.SeenUpdate;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/**
 * Per-user \Seen on other accounts' mailboxes (issue 7, {@link jotmai.store.MailStore#setSeen}): each
 * reader's marks are its own, leave the message flags and MODSEQ alone, take a mailbox MODSEQ, and go
 * away with the message, the mailbox and the reader.
 */
public interface SeenMarksContract extends StoreFixture {

    private Account colleague(Account owner, String localPart) {
        return accounts().createAccount(localPart + "@" + owner.domain(), "{PLAIN}secret", 0);
    }

    @Test
    default void eachReaderHasItsOwnSeenMarksAndTheMessageFlagsStayAlone() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Account carol = colleague(owner, "carol");
        Mailbox inbox = inbox(owner);
        AppendResult first = append(inbox, "one", Flags.FLAGGED);
        AppendResult second = append(inbox, "two");
        SeenUpdate u = mail().setSeen(inbox.id(), bob.id(), UidSet.of(first.uid(), second.uid()), true,
                OptionalLong.empty());
        assertThat(u.updated()).extracting(SeenMark::uid).containsExactly(first.uid(), second.uid());
        assertThat(u.modified().isEmpty()).isTrue();
        assertThat(mail().seenMarks(inbox.id(), bob.id(), UidSet.ALL)).extracting(SeenMark::uid, SeenMark::seen)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first.uid(), true),
                        org.assertj.core.groups.Tuple.tuple(second.uid(), true));
        assertThat(mail().seenMarks(inbox.id(), carol.id(), UidSet.ALL)).isEmpty();
        assertThat(mail().seenCount(inbox.id(), bob.id())).isEqualTo(2);
        assertThat(mail().seenCount(inbox.id(), carol.id())).isZero();
        // the owner's flags, MODSEQs and counters are untouched
        assertThat(mail().messages(inbox.id())).extracting(m -> m.flags())
                .containsExactly(Set.of(Flags.FLAGGED), Set.of());
        assertThat(mail().messages(inbox.id())).extracting(m -> m.modSeq())
                .containsExactly(first.modSeq(), second.modSeq());
        assertThat(mail().status(inbox.id()).unseen()).isEqualTo(2);
    }

    @Test
    default void aMarkChangeTakesANewMailboxModSeqWithoutAMessageChange() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        AppendResult m = append(inbox, "one");
        long before = mailbox(inbox.id()).highestModSeq();
        SeenUpdate u = mail().setSeen(inbox.id(), bob.id(), UidSet.of(m.uid()), true, OptionalLong.empty());
        long modSeq = u.updated().getFirst().modSeq();
        assertThat(modSeq).isGreaterThan(before);
        assertThat(mailbox(inbox.id()).highestModSeq()).isEqualTo(modSeq);
        assertThat(mail().changesSince(inbox.id(), before).changes()).isEmpty();
        assertThat(mail().seenChangesSince(inbox.id(), bob.id(), before))
                .containsExactly(new SeenMark(m.uid(), true, modSeq));
        assertThat(mail().seenChangesSince(inbox.id(), bob.id(), modSeq)).isEmpty();
        // setting it again changes nothing; clearing it is remembered as a change
        assertThat(mail().setSeen(inbox.id(), bob.id(), UidSet.of(m.uid()), true, OptionalLong.empty()).updated())
                .isEmpty();
        SeenUpdate cleared = mail().setSeen(inbox.id(), bob.id(), UidSet.of(m.uid()), false, OptionalLong.empty());
        long clearedAt = cleared.updated().getFirst().modSeq();
        assertThat(clearedAt).isGreaterThan(modSeq);
        assertThat(mail().seenChangesSince(inbox.id(), bob.id(), modSeq))
                .containsExactly(new SeenMark(m.uid(), false, clearedAt));
        assertThat(mail().seenCount(inbox.id(), bob.id())).isZero();
    }

    @Test
    default void unchangedSinceComparesTheReadersModSeq() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        AppendResult a = append(inbox, "a");
        AppendResult b = append(inbox, "b");
        long base = mailbox(inbox.id()).highestModSeq();
        // a's message changed (shared flag), b's mark changed: both are newer than base for bob
        mail().updateFlags(inbox.id(), UidSet.of(a.uid()), FlagOperation.ADD, Set.of(Flags.FLAGGED), OptionalLong.empty());
        mail().setSeen(inbox.id(), bob.id(), UidSet.of(b.uid()), false, OptionalLong.empty()); // no-op: unchanged
        mail().setSeen(inbox.id(), bob.id(), UidSet.of(b.uid()), true, OptionalLong.empty());
        mail().setSeen(inbox.id(), bob.id(), UidSet.of(b.uid()), false, OptionalLong.empty());
        SeenUpdate u = mail().setSeen(inbox.id(), bob.id(), UidSet.of(a.uid(), b.uid()), true, OptionalLong.of(base));
        assertThat(u.updated()).isEmpty();
        assertThat(u.modified()).isEqualTo(UidSet.of(a.uid(), b.uid()));
    }

    @Test
    default void marksGoAwayWithExpungedAndMovedMessagesAndUnknownUidsAreIgnored() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        Mailbox archive = mail().createMailbox(owner.id(), "Kept", Optional.empty());
        AppendResult a = append(inbox, "a", Flags.DELETED);
        AppendResult b = append(inbox, "b");
        AppendResult c = append(inbox, "c");
        mail().setSeen(inbox.id(), bob.id(), UidSet.range(1, 1000), true, OptionalLong.empty());
        assertThat(mail().seenCount(inbox.id(), bob.id())).isEqualTo(3);
        mail().expunge(inbox.id(), Optional.empty());
        mail().move(inbox.id(), UidSet.of(b.uid()), archive.id());
        assertThat(mail().seenMarks(inbox.id(), bob.id(), UidSet.ALL)).extracting(SeenMark::uid)
                .containsExactly(c.uid());
        assertThat(mail().seenCount(inbox.id(), bob.id())).isEqualTo(1);
        assertThat(mail().seenMarks(archive.id(), bob.id(), UidSet.ALL)).isEmpty(); // the protocol copies views
    }

    @Test
    default void marksGoAwayWithTheMailboxAndWithTheReader() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Account carol = colleague(owner, "carol");
        Mailbox team = mail().createMailbox(owner.id(), "Team", Optional.empty());
        AppendResult m = append(team, "x");
        mail().setSeen(team.id(), bob.id(), UidSet.of(m.uid()), true, OptionalLong.empty());
        mail().setSeen(team.id(), carol.id(), UidSet.of(m.uid()), true, OptionalLong.empty());
        accounts().deleteAccount(carol.address());
        assertThat(mail().seenMarks(team.id(), carol.id(), UidSet.ALL)).isEmpty();
        assertThat(mail().seenCount(team.id(), bob.id())).isEqualTo(1);
        mail().deleteMailbox(owner.id(), "Team");
        Mailbox again = mail().createMailbox(owner.id(), "Team", Optional.empty());
        append(again, "y");
        assertThat(mail().seenMarks(team.id(), bob.id(), UidSet.ALL)).isEmpty();
        assertThat(mail().seenCount(again.id(), bob.id())).isZero();
    }

    @Test
    default void selectingMarksBySetReturnsOnlyThoseUidsInUidOrder() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        for (int i = 0; i < 10; i++) {
            append(inbox, "m" + i);
        }
        mail().setSeen(inbox.id(), bob.id(), UidSet.of(2, 4, 6, 8, 10), true, OptionalLong.empty());
        mail().setSeen(inbox.id(), bob.id(), UidSet.of(4), false, OptionalLong.empty());
        List<SeenMark> marks = mail().seenMarks(inbox.id(), bob.id(), UidSet.of(1, 2, 3, 4, 5));
        assertThat(marks).extracting(SeenMark::uid, SeenMark::seen).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, true), org.assertj.core.groups.Tuple.tuple(4L, false));
        assertThat(mail().seenCount(inbox.id(), bob.id())).isEqualTo(4);
    }

    @Test
    default void setSeenOnAnUnknownMailboxIsNotFound() {
        Account owner = newAccount();
        assertThatThrownBy(() -> mail().setSeen(Long.MAX_VALUE / 4, owner.id(), UidSet.of(1), true, OptionalLong.empty()))
                .isInstanceOf(StoreException.NotFound.class);
    }
}
