package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.Changes;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/** {@link jotmai.store.MailStore#changesSince}: the semantics described on {@link Changes}. */
public interface ChangesContract extends StoreFixture {

    @Test
    default void noChangesSinceTheHighestModSeq() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one");
        long highest = mailbox(inbox.id()).highestModSeq();
        Changes c = mail().changesSince(inbox.id(), highest);
        assertThat(c.highestModSeq()).isEqualTo(highest);
        assertThat(c.changes()).isEmpty();
    }

    @Test
    default void aMessageAddedAndThenFlaggedAppearsOnceAsAddedWithItsCurrentFlags() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = inbox.highestModSeq();
        append(inbox, "one");
        var flagged = mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Seen"),
                OptionalLong.empty()).updated().getFirst();
        Changes c = mail().changesSince(inbox.id(), start);
        assertThat(c.changes()).containsExactly(new StoreChange.Added(flagged));
        assertThat(c.highestModSeq()).isEqualTo(flagged.modSeq());
    }

    @Test
    default void aFlagChangeOfAnOlderMessageIsFlagsChanged() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one");
        long after = mailbox(inbox.id()).highestModSeq();
        var flagged = mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Flagged"),
                OptionalLong.empty()).updated().getFirst();
        assertThat(mail().changesSince(inbox.id(), after).changes())
                .containsExactly(new StoreChange.FlagsChanged(flagged));
    }

    @Test
    default void aMessageAddedAndExpungedInTheWindowAppearsOnlyAsExpunged() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = inbox.highestModSeq();
        append(inbox, "gone", "\\Deleted");
        mail().expunge(inbox.id(), Optional.empty());
        long highest = mailbox(inbox.id()).highestModSeq();
        assertThat(mail().changesSince(inbox.id(), start).changes())
                .containsExactly(new StoreChange.Expunged(1, highest));
    }

    @Test
    default void expungeTombstonesAreKeptForEarlierModSeqs() {
        // Needed for QRESYNC VANISHED (EARLIER), RFC 7162 §3.2.5.1.
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one", "\\Deleted");
        long afterAppend = mailbox(inbox.id()).highestModSeq();
        mail().expunge(inbox.id(), Optional.empty());
        long expungeModSeq = mailbox(inbox.id()).highestModSeq();
        for (int i = 0; i < 5; i++) {
            append(inbox, "later " + i);
        }
        assertThat(mail().changesSince(inbox.id(), afterAppend).changes())
                .startsWith(new StoreChange.Expunged(1, expungeModSeq)).hasSize(6);
    }

    @Test
    default void changesComeInModSeqOrder() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = inbox.highestModSeq();
        append(inbox, "1");
        append(inbox, "2");
        AppendResult three = append(inbox, "3", "\\Deleted");
        long mid = mailbox(inbox.id()).highestModSeq();
        mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        mail().expunge(inbox.id(), Optional.empty());
        Changes all = mail().changesSince(inbox.id(), start);
        assertThat(all.changes()).extracting(StoreChange::modSeq).isSorted();
        assertThat(all.changes()).extracting(StoreChange::uid).containsExactly(2L, 1L, 3L);
        assertThat(all.changes().get(0)).isInstanceOf(StoreChange.Added.class);
        assertThat(all.changes().get(1)).isInstanceOf(StoreChange.Added.class);
        assertThat(all.changes().get(2)).isInstanceOf(StoreChange.Expunged.class);
        Changes recent = mail().changesSince(inbox.id(), mid);
        assertThat(recent.changes()).hasSize(2);
        assertThat(recent.changes().get(0)).isInstanceOf(StoreChange.FlagsChanged.class);
        assertThat(recent.changes().get(1)).isEqualTo(new StoreChange.Expunged(three.uid(), all.highestModSeq()));
    }
}
