package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/**
 * Message operations of {@link jotmai.store.MailStore}: append, flags, expunge, \Recent, locks; reading the
 * stored bytes back is {@link MessageContentContract}, run with these.
 */
public interface MessageContract extends MessageContentContract {

    @Test
    default void appendAssignsStrictlyIncreasingUidsAndAdvancesUidNext() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        AppendResult first = append(inbox, "one");
        AppendResult second = append(inbox, "two");
        assertThat(first.uid()).isEqualTo(1);
        assertThat(second.uid()).isEqualTo(2);
        assertThat(first.uidValidity()).isEqualTo(inbox.uidValidity());
        assertThat(first.mailboxId()).isEqualTo(inbox.id());
        assertThat(second.modSeq()).isGreaterThan(first.modSeq());
        assertThat(mailbox(inbox.id()).uidNext()).isEqualTo(3);
        assertThat(mailbox(inbox.id()).highestModSeq()).isEqualTo(second.modSeq());
    }

    @Test
    default void uidsAreNotReusedAfterExpungeAndAppend() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one", "\\Deleted");
        append(inbox, "two", "\\Deleted");
        mail().expunge(inbox.id(), Optional.empty());
        assertThat(append(inbox, "three").uid()).isEqualTo(3);
        assertThat(mail().messages(inbox.id())).extracting(MessageMeta::uid).containsExactly(3L);
    }

    @Test
    default void flagRowsHoldTheUidsModSeqsAndFlagsThatMessagesReturnsInUidOrder() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        assertThat(mail().flagRows(inbox.id()).size()).isZero();
        append(inbox, "one", "\\Seen");
        append(inbox, "two");
        append(inbox, "three", "\\Seen", "$Work");
        append(inbox, "four", "\\Seen");
        mail().updateFlags(inbox.id(), UidSet.of(2), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        mail().expunge(inbox.id(), Optional.empty());

        List<MessageMeta> metas = mail().messages(inbox.id());
        jotmai.store.FlagRows rows = mail().flagRows(inbox.id());
        assertThat(rows.uids()).containsExactly(1L, 3L, 4L);
        assertThat(rows.modSeqs()).containsExactly(metas.stream().mapToLong(MessageMeta::modSeq).toArray());
        for (int i = 0; i < metas.size(); i++) {
            assertThat(rows.flags().get(i)).containsExactlyInAnyOrderElementsOf(metas.get(i).flags());
        }
        assertThat(rows.hasFlag(1, "$work")).isTrue();
        assertThat(rows.hasFlag(1, "\\seen")).isTrue();
        assertThat(rows.hasFlag(0, "$Work")).isFalse();
    }

    @Test
    default void flagRowsFilteredByAFlagHoldOnlyTheMessagesThatHaveOrLackIt() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one", "\\Seen");
        append(inbox, "two");
        append(inbox, "three", "\\Seen", "\\Deleted", "$Work");
        append(inbox, "four", "\\Flagged");
        mail().updateFlags(inbox.id(), UidSet.of(4), FlagOperation.ADD, Set.of("\\seen"), OptionalLong.empty());
        assertThat(mail().flagRows(inbox.id(), "\\SEEN", false).uids()).containsExactly(2L);
        assertThat(mail().flagRows(inbox.id(), "\\Seen", true).uids()).containsExactly(1L, 3L, 4L);
        assertThat(mail().flagRows(inbox.id(), "\\deleted", true).uids()).containsExactly(3L);
        assertThat(mail().flagRows(inbox.id(), "\\Deleted", false).uids()).containsExactly(1L, 2L, 4L);
        jotmai.store.FlagRows work = mail().flagRows(inbox.id(), "$work", true);
        assertThat(work.uids()).containsExactly(3L);
        assertThat(work.flags().getFirst()).contains("$Work", "\\Seen", "\\Deleted");
        assertThat(mail().flagRows(inbox.id(), "\\Seen", false).modSeqs())
                .containsExactly(mail().messages(inbox.id(), UidSet.of(2)).getFirst().modSeq());
    }

    /**
     * A mailbox large enough for a backend to keep its flag rows in memory
     * ({@link jotmai.store.support.FlagRowsCache}, from 5,000 messages): after appends, flag changes,
     * expunges and copies the rows and the \Seen/\Deleted filters still equal what {@code messages}
     * says, read after each change (so a cache is brought up to date from the change log, not rebuilt).
     */
    @Test
    default void flagRowsOfABigMailboxFollowEveryChange() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        for (int i = 0; i < 40; i++) {
            append(inbox, "m" + i, i % 5 == 0 ? new String[0] : new String[] {"\\Seen"});
        }
        while (mail().flagRows(inbox.id()).size() < jotmai.store.support.FlagRowsCache.MIN_ROWS) {
            long last = mailbox(inbox.id()).uidNext() - 1;
            mail().copy(inbox.id(), UidSet.range(1, last), inbox.id()); // doubles the mailbox
        }
        assertFlagRowsMatchMessages(inbox);
        mail().updateFlags(inbox.id(), UidSet.of(2, 3, 5000), FlagOperation.ADD, Set.of("\\Deleted", "$Big"),
                OptionalLong.empty());
        assertFlagRowsMatchMessages(inbox);
        mail().updateFlags(inbox.id(), UidSet.range(1, 10), FlagOperation.REMOVE, Set.of("\\Seen"), OptionalLong.empty());
        append(inbox, "late", "\\Flagged");
        assertFlagRowsMatchMessages(inbox);
        mail().expunge(inbox.id(), Optional.empty());
        append(inbox, "later");
        assertFlagRowsMatchMessages(inbox);
        assertThat(mail().flagRows(inbox.id(), "\\Deleted", true).size()).isZero();
    }

    /**
     * Issue 4: what SELECT needs without every message's flags ({@code selectState}) equals what
     * {@code messages} says, with dense UIDs and with gaps, keywords coming and going, all read or not.
     */
    @Test
    default void selectStateHoldsTheUidsTheFirstUnseenUidAndTheKeywordsInUse() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        assertSelectStateMatchesMessages(inbox);
        append(inbox, "one", "\\Seen");
        append(inbox, "two", "\\Seen", "$Work");
        append(inbox, "three");
        append(inbox, "four", "Junk", "\\Flagged");
        append(inbox, "five", "\\Seen", "$work");
        assertSelectStateMatchesMessages(inbox); // dense UIDs 1-5, first unseen 3
        mail().updateFlags(inbox.id(), UidSet.of(1, 3), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        mail().expunge(inbox.id(), Optional.empty());
        assertSelectStateMatchesMessages(inbox); // gaps: 2, 4, 5
        mail().updateFlags(inbox.id(), UidSet.ALL, FlagOperation.REMOVE, Set.of("junk"), OptionalLong.empty());
        mail().updateFlags(inbox.id(), UidSet.ALL, FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        assertSelectStateMatchesMessages(inbox); // Junk gone, nothing unseen
        assertThat(mail().selectState(inbox.id()).firstUnseenUid()).isZero();
        assertThat(mail().selectState(inbox.id()).keywords()).containsExactly("$Work", "$work");
        append(inbox, "six");
        assertSelectStateMatchesMessages(inbox);
        assertThatThrownBy(() -> mail().selectState(inbox.id() + 1_000_000)).isInstanceOf(StoreException.NotFound.class);
    }

    private void assertSelectStateMatchesMessages(Mailbox inbox) {
        List<MessageMeta> metas = mail().messages(inbox.id());
        jotmai.store.SelectState state = mail().selectState(inbox.id());
        assertThat(state.uids()).containsExactly(metas.stream().mapToLong(MessageMeta::uid).toArray());
        assertThat(state.firstUnseenUid()).isEqualTo(metas.stream().filter(m -> !m.hasFlag("\\Seen"))
                .mapToLong(MessageMeta::uid).findFirst().orElse(0));
        assertThat(state.keywords()).containsExactlyElementsOf(metas.stream().flatMap(m -> m.flags().stream())
                .filter(f -> !f.startsWith("\\")).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        // and the same as the flag rows say (the path of a mailbox whose rows a backend caches)
        jotmai.store.SelectState fromRows = jotmai.store.SelectState.of(mail().flagRows(inbox.id()));
        assertThat(fromRows.uids()).containsExactly(state.uids());
        assertThat(fromRows.firstUnseenUid()).isEqualTo(state.firstUnseenUid());
        assertThat(fromRows.keywords()).isEqualTo(state.keywords());
    }

    private void assertFlagRowsMatchMessages(Mailbox inbox) {
        List<MessageMeta> metas = mail().messages(inbox.id());
        // STATUS first, so that it is what brings a backend's cached rows up to date (issue 4)
        jotmai.store.MailboxStatus status = mail().status(inbox.id());
        assertThat(status.messages()).isEqualTo(metas.size());
        assertThat(status.unseen()).isEqualTo(metas.stream().filter(m -> !m.hasFlag("\\Seen")).count());
        assertThat(status.deleted()).isEqualTo(metas.stream().filter(m -> m.hasFlag("\\Deleted")).count());
        assertThat(status.size()).isEqualTo(metas.stream().mapToLong(MessageMeta::size).sum());
        jotmai.store.FlagRows rows = mail().flagRows(inbox.id());
        assertThat(rows.uids()).containsExactly(metas.stream().mapToLong(MessageMeta::uid).toArray());
        assertThat(rows.modSeqs()).containsExactly(metas.stream().mapToLong(MessageMeta::modSeq).toArray());
        for (int i = 0; i < metas.size(); i++) {
            assertThat(rows.flags().get(i)).as("uid %d", metas.get(i).uid())
                    .containsExactlyInAnyOrderElementsOf(metas.get(i).flags());
        }
        long[] unseen = metas.stream().filter(m -> !m.hasFlag("\\Seen")).mapToLong(MessageMeta::uid).toArray();
        assertThat(mail().flagRows(inbox.id(), "\\Seen", false).uids()).containsExactly(unseen);
        long[] deleted = metas.stream().filter(m -> m.hasFlag("\\Deleted")).mapToLong(MessageMeta::uid).toArray();
        assertThat(mail().flagRows(inbox.id(), "\\Deleted", true).uids()).containsExactly(deleted);
        assertSelectStateMatchesMessages(inbox);
    }

    @Test
    default void theFirstRetrievalTimeIsKeptWithoutAFlagOrModSeqChangeAndGoesAwayWithTheMessage() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one");
        append(inbox, "two");
        append(inbox, "three", "\\Deleted");
        long modSeq = mailbox(inbox.id()).highestModSeq();
        assertThat(mail().retrievedTimes(inbox.id())).isEmpty();
        Instant first = Instant.parse("2026-11-20T10:00:00.250Z");
        mail().markRetrieved(inbox.id(), UidSet.of(1, 3, 99), first);
        mail().markRetrieved(inbox.id(), UidSet.range(1, 2), first.plusSeconds(3600));
        assertThat(mail().retrievedTimes(inbox.id()))
                .containsOnly(java.util.Map.entry(1L, first), java.util.Map.entry(2L, first.plusSeconds(3600)),
                        java.util.Map.entry(3L, first));
        assertThat(mailbox(inbox.id()).highestModSeq()).isEqualTo(modSeq);
        assertThat(mail().messages(inbox.id())).allSatisfy(m -> assertThat(m.flags()).doesNotContain("\\Seen"));
        mail().expunge(inbox.id(), Optional.empty());
        assertThat(mail().retrievedTimes(inbox.id())).containsOnlyKeys(1L, 2L);
        mail().markRetrieved(inbox.id(), UidSet.EMPTY, first);
    }

    @Test
    default void systemFlagsAreCanonicalisedRecentIsDroppedAndKeywordsKeepTheirSpelling() {
        Account a = newAccount();
        Set<String> given = new LinkedHashSet<>(List.of("\\seen", "\\SEEN", "\\recent", "$Forwarded", "$forwarded",
                "\\UnknownSystem"));
        AppendResult r = mail().append(inbox(a).id(), MessageSource.ofBytes(StoreFixture.message("f")), given,
                StoreFixture.date());
        assertThat(r.meta().flags()).containsExactlyInAnyOrder("\\Seen", "$Forwarded");
        assertThat(mail().messages(inbox(a).id()).getFirst().flags()).containsExactlyInAnyOrder("\\Seen", "$Forwarded");
    }

    @Test
    default void flagsAreAddedRemovedAndReplacedAndOnlyChangedMessagesGetANewModSeq() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one", "\\Seen");
        AppendResult two = append(inbox, "two");
        FlagResult added = mail().updateFlags(inbox.id(), UidSet.range(1, 2), FlagOperation.ADD, Set.of("\\seen"),
                OptionalLong.empty());
        assertThat(added.updated()).extracting(MessageMeta::uid).containsExactly(2L);
        assertThat(added.updated().getFirst().flags()).containsExactly("\\Seen");
        assertThat(added.updated().getFirst().modSeq()).isGreaterThan(two.modSeq());
        assertThat(added.modified().isEmpty()).isTrue();

        FlagResult removed = mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.REMOVE, Set.of("\\SEEN"),
                OptionalLong.empty());
        assertThat(removed.updated().getFirst().flags()).isEmpty();

        FlagResult replaced = mail().updateFlags(inbox.id(), UidSet.ALL, FlagOperation.REPLACE,
                Set.of("\\Answered", "Work"), OptionalLong.empty());
        assertThat(replaced.updated()).hasSize(2)
                .allSatisfy(m -> assertThat(m.flags()).containsExactlyInAnyOrder("\\Answered", "Work"));
        assertThat(mail().messages(inbox.id())).allSatisfy(m -> assertThat(m.hasFlag("work")).isTrue());

        long before = mailbox(inbox.id()).highestModSeq();
        FlagResult noop = mail().updateFlags(inbox.id(), UidSet.ALL, FlagOperation.ADD, Set.of("WORK"),
                OptionalLong.empty());
        assertThat(noop.updated()).isEmpty();
        assertThat(mailbox(inbox.id()).highestModSeq()).isEqualTo(before);
    }

    @Test
    default void unchangedSinceLeavesNewerMessagesAloneAndReportsThemModified() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        AppendResult one = append(inbox, "one");
        append(inbox, "two");
        long checkpoint = mailbox(inbox.id()).highestModSeq();
        mail().updateFlags(inbox.id(), UidSet.of(2), FlagOperation.ADD, Set.of("\\Flagged"), OptionalLong.empty());

        FlagResult r = mail().updateFlags(inbox.id(), UidSet.range(1, 2), FlagOperation.ADD, Set.of("\\Seen"),
                OptionalLong.of(checkpoint));
        assertThat(r.updated()).extracting(MessageMeta::uid).containsExactly(1L);
        assertThat(r.modified()).isEqualTo(UidSet.of(2));
        assertThat(mail().messages(inbox.id(), UidSet.of(2)).getFirst().hasFlag("\\Seen")).isFalse();

        // RFC 7162 §3.1.3: UNCHANGEDSINCE equal to the message's MODSEQ still succeeds.
        FlagResult equal = mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Answered"),
                OptionalLong.of(r.updated().getFirst().modSeq()));
        assertThat(equal.updated()).hasSize(1);
        assertThat(one.uid()).isEqualTo(1);
    }

    @Test
    default void everyChangeGetsAModSeqAboveEveryEarlierOne() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long m0 = mailbox(inbox.id()).highestModSeq();
        long m1 = append(inbox, "one").modSeq();
        long m2 = mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Deleted"),
                OptionalLong.empty()).updated().getFirst().modSeq();
        mail().expunge(inbox.id(), Optional.empty());
        long m3 = mailbox(inbox.id()).highestModSeq();
        long m4 = append(inbox, "two").modSeq();
        assertThat(List.of(m0, m1, m2, m3, m4)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    default void expungeRemovesOnlyDeletedMessagesAndUidExpungeOnlyThoseInTheSet() {
        assertExpungeRemovesOnlyDeletedMessagesInScope(mail()::expunge);
    }

    /**
     * The expunge scenario for {@code expunge} and {@code expungeKnownDeleted}, which promise the same
     * result: without a set every \Deleted message goes, with a set (UID EXPUNGE) only those in it.
     * Returns the mailbox, which holds UID 2 (not \Deleted) afterwards.
     */
    private Mailbox assertExpungeRemovesOnlyDeletedMessagesInScope(
            java.util.function.BiFunction<Long, Optional<UidSet>, List<Long>> expunge) {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "1", "\\Deleted");
        append(inbox, "2");
        append(inbox, "3", "\\Deleted");
        append(inbox, "4", "\\Deleted");
        assertThat(expunge.apply(inbox.id(), Optional.of(UidSet.range(2, 3)))).containsExactly(3L);
        assertThat(expunge.apply(inbox.id(), Optional.empty())).containsExactly(1L, 4L);
        assertThat(mail().messages(inbox.id())).extracting(MessageMeta::uid).containsExactly(2L);
        assertThat(expunge.apply(inbox.id(), Optional.empty())).isEmpty();
        assertThat(mail().quota(a.id()).messages()).isEqualTo(1);
        return inbox;
    }

    @Test
    default void appendByNameStoresInTheAccountsOwnMailboxOfThatNameAndOtherwiseIsNotFound() {
        Account a = newAccount();
        Account b = newAccount();
        Mailbox work = mail().createMailbox(a.id(), "Work/Projects", Optional.empty());
        mail().createMailbox(b.id(), "Elsewhere", Optional.empty());
        AppendResult r = mail().appendByName(a.id(), "Work/Projects", MessageSource.ofBytes(StoreFixture.message("1")),
                Set.of("\\Flagged"), StoreFixture.date());
        assertThat(r.mailboxId()).isEqualTo(work.id());
        assertThat(r.uidValidity()).isEqualTo(work.uidValidity());
        assertThat(mail().messages(work.id())).extracting(MessageMeta::uid, MessageMeta::flags)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(r.uid(), Set.of("\\Flagged")));
        AppendResult intoInbox = mail().appendByName(a.id(), "inbox", MessageSource.ofBytes(StoreFixture.message("2")),
                Set.of(), StoreFixture.date());
        assertThat(intoInbox.mailboxId()).isEqualTo(inbox(a).id()); // INBOX in any case (RFC 9051 §5.1)
        for (String missing : List.of("Nowhere", "Elsewhere", "")) {
            assertThatThrownBy(() -> mail().appendByName(a.id(), missing, MessageSource.ofBytes(StoreFixture.message("3")),
                    Set.of(), StoreFixture.date())).as(missing).isInstanceOf(StoreException.NotFound.class);
        }
        assertThat(mail().quota(a.id()).messages()).isEqualTo(2);
    }

    @Test
    default void expungeKnownDeletedRemovesWhatExpungeWouldAndNothingOnceTheFlagIsGone() {
        Mailbox inbox = assertExpungeRemovesOnlyDeletedMessagesInScope(mail()::expungeKnownDeleted);
        append(inbox, "5", "\\Deleted"); // the caller saw it \Deleted, then someone removed the flag
        mail().updateFlags(inbox.id(), UidSet.of(5), FlagOperation.REMOVE, Set.of("\\Deleted"), OptionalLong.empty());
        assertThat(mail().expungeKnownDeleted(inbox.id(), Optional.empty())).isEmpty();
        assertThat(mail().messages(inbox.id())).extracting(MessageMeta::uid).containsExactly(2L, 5L);
    }

    @Test
    default void messagesCanBeSelectedByUidSet() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        for (int i = 1; i <= 6; i++) {
            append(inbox, "m" + i);
        }
        assertThat(mail().messages(inbox.id(), UidSet.of(1, 3, 4, 6, 99))).extracting(MessageMeta::uid)
                .containsExactly(1L, 3L, 4L, 6L);
        assertThat(mail().messages(inbox.id(), UidSet.EMPTY)).isEmpty();
        assertThat(mail().messages(inbox.id(), UidSet.ALL)).hasSize(6);
    }

    @Test
    default void recentIsClaimedByTheFirstSessionOnly() {
        assertEachRecentMessageIsClaimedOnce(mail()::claimRecent);
    }

    @Test
    default void claimRecentAfterAddClaimsWhatClaimRecentWould() {
        Mailbox inbox = assertEachRecentMessageIsClaimedOnce(mail()::claimRecentAfterAdd);
        assertThat(mail().claimRecent(inbox.id()).isEmpty()).isTrue();
        assertThat(mail().recent(inbox.id()).isEmpty()).isTrue();
    }

    /**
     * The \Recent scenario for {@code claimRecent} and {@code claimRecentAfterAdd}, which promise the
     * same result (RFC 3501 §2.3.2: only one session sees a message as recent): the first claim takes
     * what is there, a second one nothing, a later claim only what came since.
     */
    private Mailbox assertEachRecentMessageIsClaimedOnce(java.util.function.LongFunction<UidSet> claim) {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one");
        append(inbox, "two");
        assertThat(claim.apply(inbox.id())).isEqualTo(UidSet.range(1, 2));
        assertThat(claim.apply(inbox.id()).isEmpty()).isTrue();
        append(inbox, "three");
        assertThat(claim.apply(inbox.id())).isEqualTo(UidSet.of(3));
        return inbox;
    }

    @Test
    default void recentReportsUnclaimedMessagesWithoutClaimingThem() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        assertThat(mail().recent(inbox.id()).isEmpty()).isTrue();
        append(inbox, "one");
        append(inbox, "two");
        assertThat(mail().recent(inbox.id())).isEqualTo(UidSet.range(1, 2));
        assertThat(mail().recent(inbox.id())).isEqualTo(UidSet.range(1, 2));
        assertThat(mail().claimRecent(inbox.id())).isEqualTo(UidSet.range(1, 2));
        assertThat(mail().recent(inbox.id()).isEmpty()).isTrue();
        append(inbox, "three");
        assertThat(mail().recent(inbox.id())).isEqualTo(UidSet.of(3));
    }

    @Test
    default void recentOfAnUnknownMailboxIsNotFound() {
        assertThatThrownBy(() -> mail().recent(Long.MAX_VALUE - 7)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void theMaildropLockIsExclusiveUntilClosed() {
        Account a = newAccount();
        Account b = newAccount();
        var lock = mail().lockMaildrop(a.id());
        assertThat(lock).isPresent();
        assertThat(mail().lockMaildrop(a.id())).isEmpty();
        var other = mail().lockMaildrop(b.id());
        assertThat(other).isPresent();
        lock.get().close();
        lock.get().close();
        var again = mail().lockMaildrop(a.id());
        assertThat(again).isPresent();
        again.get().close();
        other.get().close();
    }

    @Test
    default void operationsOnAMissingMailboxAreNotFound() {
        long missing = Long.MAX_VALUE - 11;
        assertThatThrownBy(() -> mail().append(missing, MessageSource.ofBytes(StoreFixture.message("x")), Set.of(),
                StoreFixture.date())).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().updateFlags(missing, UidSet.ALL, FlagOperation.ADD, Set.of("\\Seen"),
                OptionalLong.empty())).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().expunge(missing, Optional.empty())).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().changesSince(missing, 0)).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().flagRows(missing)).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().flagRows(missing, "\\Seen", false))
                .isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().flagRows(missing, "$Work", true)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void flagRowsFilteredByAKeywordFollowFlagChangesAndIgnoreCase() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one");
        append(inbox, "two", "$Junk");
        append(inbox, "three", "\\Flagged", "$junk");
        append(inbox, "four", "$JunkMail");
        mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("$JUNK"), OptionalLong.empty());
        mail().updateFlags(inbox.id(), UidSet.of(3), FlagOperation.REMOVE, Set.of("$Junk"), OptionalLong.empty());
        assertThat(mail().flagRows(inbox.id(), "$jUnK", true).uids()).containsExactly(1L, 2L);
        assertThat(mail().flagRows(inbox.id(), "$Junk", false).uids()).containsExactly(3L, 4L);
        assertThat(mail().flagRows(inbox.id(), "$Junk", false).flags())
                .containsExactly(Set.of("\\Flagged"), Set.of("$JunkMail"));
        // unseen after a STORE: the narrow read sees the flag change at once
        mail().updateFlags(inbox.id(), UidSet.of(2, 4), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        assertThat(mail().flagRows(inbox.id(), "\\Seen", false).uids()).containsExactly(1L, 3L);
        assertThat(mail().flagRows(inbox.id()).flags().get(3)).containsExactlyInAnyOrder("$JunkMail", "\\Seen");
    }
}
