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
import jotmai.store.CopyResult;
import jotmai.store.CopyResult.UidMapping;
import jotmai.store.FlagOperation;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreChange;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/** COPY (RFC 9051 §6.4.7), MOVE (RFC 6851), multi-recipient delivery and quota. */
public interface CopyMoveDeliverContract extends StoreFixture {

    @Test
    default void copyMapsSourceUidsToNewDestinationUidsInOrderAndKeepsFlagsAndDates() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        append(archive, "already there");
        append(inbox, "1", "\\Seen");
        append(inbox, "2");
        append(inbox, "3", "Work");
        CopyResult r = mail().copy(inbox.id(), UidSet.of(1, 3), archive.id());
        assertThat(r.destinationUidValidity()).isEqualTo(archive.uidValidity());
        assertThat(r.mappings()).containsExactly(new UidMapping(1, 2), new UidMapping(3, 3));
        List<MessageMeta> copies = mail().messages(archive.id(), UidSet.range(2, 3));
        assertThat(copies.get(0).flags()).containsExactly("\\Seen");
        assertThat(copies.get(1).flags()).containsExactly("Work");
        assertThat(copies.get(0).internalDate()).isEqualTo(StoreFixture.date());
        assertThat(content(copies.get(0).blob())).isEqualTo(content(mail().messages(inbox.id()).getFirst().blob()));
        assertThat(mail().messages(inbox.id())).hasSize(3);
        assertThat(mail().quota(a.id()).messages()).isEqualTo(6);
    }

    @Test
    default void copyOfNothingReturnsNoMappings() {
        Account a = newAccount();
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        CopyResult r = mail().copy(inbox(a).id(), UidSet.of(5), archive.id());
        assertThat(r.mappings()).isEmpty();
    }

    @Test
    default void aCopyStaysReadableAfterTheOriginalIsExpunged() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox trash = mail().mailbox(a.id(), "Trash").orElseThrow();
        AppendResult original = append(inbox, "shared");
        byte[] bytes = content(original.meta().blob());
        mail().copy(inbox.id(), UidSet.of(1), trash.id());
        mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        mail().expunge(inbox.id(), Optional.empty());
        MessageMeta copy = mail().messages(trash.id()).getFirst();
        assertThat(content(copy.blob())).isEqualTo(bytes);
        assertThat(mail().structure(copy.blob()).size()).isEqualTo(bytes.length);
    }

    @Test
    default void moveMapsUidsAndExpungesTheSource() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox junk = mail().mailbox(a.id(), "Junk").orElseThrow();
        append(inbox, "1");
        append(inbox, "2", "\\Flagged");
        append(inbox, "3");
        long before = mailbox(inbox.id()).highestModSeq();
        CopyResult r = mail().move(inbox.id(), UidSet.range(2, 3), junk.id());
        assertThat(r.mappings()).containsExactly(new UidMapping(2, 1), new UidMapping(3, 2));
        assertThat(mail().messages(inbox.id())).extracting(MessageMeta::uid).containsExactly(1L);
        assertThat(mail().messages(junk.id())).extracting(MessageMeta::uid).containsExactly(1L, 2L);
        assertThat(mail().messages(junk.id()).getFirst().flags()).containsExactly("\\Flagged");
        assertThat(mail().changesSince(inbox.id(), before).changes())
                .containsExactly(new StoreChange.Expunged(2, mailbox(inbox.id()).highestModSeq()),
                        new StoreChange.Expunged(3, mailbox(inbox.id()).highestModSeq()));
        assertThat(mail().quota(a.id()).messages()).isEqualTo(3);
    }

    @Test
    default void copyToAnotherAccountCountsAgainstItsQuota() {
        Account a = newAccount();
        Account b = newAccount(10);
        append(inbox(a), "big enough");
        assertThatThrownBy(() -> mail().copy(inbox(a).id(), UidSet.ALL, inbox(b).id()))
                .isInstanceOf(StoreException.QuotaExceeded.class);
        accounts().setQuota(b.id(), 0);
        CopyResult r = mail().copy(inbox(a).id(), UidSet.ALL, inbox(b).id());
        assertThat(r.mappings()).hasSize(1);
        assertThat(mail().quota(b.id()).messages()).isEqualTo(1);
    }

    @Test
    default void deliverStoresOneMessageInEveryTargetInOrder() {
        Account a = newAccount();
        Account b = newAccount();
        Mailbox aInbox = inbox(a);
        Mailbox bInbox = inbox(b);
        Mailbox aJunk = mail().mailbox(a.id(), "Junk").orElseThrow();
        append(bInbox, "earlier");
        byte[] raw = StoreFixture.message("to many");
        List<AppendResult> results = mail().deliver(MessageSource.ofBytes(raw), List.of(
                new DeliveryTarget(aInbox.id(), Set.of()), new DeliveryTarget(bInbox.id(), Set.of("\\Seen")),
                new DeliveryTarget(aJunk.id(), Set.of("$Junk"))), StoreFixture.date());
        assertThat(results).extracting(AppendResult::mailboxId).containsExactly(aInbox.id(), bInbox.id(), aJunk.id());
        assertThat(results).extracting(AppendResult::uid).containsExactly(1L, 2L, 1L);
        assertThat(results.get(1).meta().flags()).containsExactly("\\Seen");
        for (AppendResult r : results) {
            assertThat(content(r.meta().blob())).isEqualTo(raw);
        }
        assertThat(mail().quota(a.id()).messages()).isEqualTo(2);
    }

    @Test
    default void deliverIsAllOrNothingWhenOneTargetIsOverQuota() {
        Account roomy = newAccount();
        Account full = newAccount(50);
        byte[] raw = StoreFixture.message("quota");
        assertThatThrownBy(() -> mail().deliver(MessageSource.ofBytes(raw), List.of(
                new DeliveryTarget(inbox(roomy).id(), Set.of()), new DeliveryTarget(inbox(full).id(), Set.of())),
                StoreFixture.date()))
                .isInstanceOfSatisfying(StoreException.QuotaExceeded.class,
                        e -> assertThat(e.messageTooLargeAlone()).isTrue());
        assertThat(mail().messages(inbox(roomy).id())).isEmpty();
        assertThat(inbox(roomy).uidNext()).isEqualTo(1);
    }

    @Test
    default void appendBeyondTheQuotaFailsAndSaysWhetherTheMessageAloneIsTooLarge() {
        byte[] raw = StoreFixture.message("quota check");
        Account a = newAccount(raw.length * 2L + 10);
        append(inbox(a), "quota check");
        append(inbox(a), "quota check");
        assertThatThrownBy(() -> append(inbox(a), "quota check"))
                .isInstanceOfSatisfying(StoreException.QuotaExceeded.class,
                        e -> assertThat(e.messageTooLargeAlone()).isFalse());
        Account tiny = newAccount(10);
        assertThatThrownBy(() -> append(inbox(tiny), "quota check"))
                .isInstanceOfSatisfying(StoreException.QuotaExceeded.class,
                        e -> assertThat(e.messageTooLargeAlone()).isTrue());
        assertThat(mail().quota(a.id()).usedBytes()).isLessThanOrEqualTo(raw.length * 2L + 10);
        assertThat(mailbox(inbox(a).id()).uidNext()).isEqualTo(3);
    }

    @Test
    default void expungeFreesQuota() {
        byte[] raw = StoreFixture.message("free");
        Account a = newAccount(raw.length + 10L);
        append(inbox(a), "free", "\\Deleted");
        mail().expunge(inbox(a).id(), Optional.empty());
        assertThat(mail().quota(a.id()).usedBytes()).isZero();
        append(inbox(a), "free");
    }

    @Test
    default void aMoveWithinTheAccountNeedsNoExtraQuota() {
        byte[] raw = StoreFixture.message("move");
        Account a = newAccount(raw.length + 10L);
        append(inbox(a), "move");
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        assertThat(mail().move(inbox(a).id(), UidSet.ALL, archive.id()).mappings()).hasSize(1);
        assertThat(mail().quota(a.id()).usedBytes()).isEqualTo(raw.length);
    }

    @Test
    default void theMessageQuotaLimitsAppendDeliveryAndCopyButNotAMoveWithinTheAccount() {
        Account a = newAccount();
        Account b = newAccount();
        accounts().setMessageQuota(a.id(), 2);
        append(inbox(a), "one");
        append(inbox(a), "two");
        assertThat(mail().quota(a.id())).extracting(q -> q.messages(), q -> q.limitMessages()).containsExactly(2L, 2L);
        assertThatThrownBy(() -> append(inbox(a), "three"))
                .isInstanceOfSatisfying(StoreException.QuotaExceeded.class,
                        e -> assertThat(e.messageTooLargeAlone()).isFalse());
        byte[] raw = StoreFixture.message("to both");
        assertThatThrownBy(() -> mail().deliver(MessageSource.ofBytes(raw), List.of(
                new DeliveryTarget(inbox(b).id(), Set.of()), new DeliveryTarget(inbox(a).id(), Set.of())),
                StoreFixture.date()))
                .isInstanceOf(StoreException.QuotaExceeded.class);
        assertThat(mail().messages(inbox(b).id())).isEmpty();
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        assertThatThrownBy(() -> mail().copy(inbox(a).id(), UidSet.of(1), archive.id()))
                .isInstanceOf(StoreException.QuotaExceeded.class);
        append(inbox(b), "from b");
        assertThatThrownBy(() -> mail().move(inbox(b).id(), UidSet.ALL, inbox(a).id()))
                .isInstanceOf(StoreException.QuotaExceeded.class);
        assertThat(mail().move(inbox(a).id(), UidSet.of(1), archive.id()).mappings()).hasSize(1);
        assertThat(mail().quota(a.id()).messages()).isEqualTo(2);
        assertThat(mail().quota(b.id()).messages()).isEqualTo(1);
    }

    @Test
    default void expungingUnderTheMessageQuotaMakesRoomAndZeroRemovesTheLimit() {
        Account a = newAccount();
        accounts().setMessageQuota(a.id(), 1);
        append(inbox(a), "only", "\\Deleted");
        assertThatThrownBy(() -> append(inbox(a), "second")).isInstanceOf(StoreException.QuotaExceeded.class);
        mail().expunge(inbox(a).id(), Optional.empty());
        append(inbox(a), "second");
        accounts().setMessageQuota(a.id(), 0);
        append(inbox(a), "third");
        assertThat(mail().quota(a.id()).messages()).isEqualTo(2);
        assertThat(mail().quota(a.id()).limitMessages()).isZero();
    }
}
