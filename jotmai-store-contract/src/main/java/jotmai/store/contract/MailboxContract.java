package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MailboxStatus;
import jotmai.store.MessageMeta;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/** Mailbox operations of {@link jotmai.store.MailStore}: names, create, delete, rename, subscriptions, status. */
public interface MailboxContract extends StoreFixture {

    @Test
    default void inboxIsFoundByItsNameInAnyCase() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        assertThat(mail().mailbox(a.id(), "inbox")).contains(inbox);
        assertThat(mail().mailbox(a.id(), "InBoX")).contains(inbox);
        assertThat(inbox.name()).isEqualTo("INBOX");
        assertThat(inbox.uidNext()).isEqualTo(1);
        assertThat(inbox.uidValidity()).isPositive();
    }

    @Test
    default void inboxAsTheFirstLevelOfAChildNameIsSpelledInbox() {
        Account a = newAccount();
        Mailbox child = mail().createMailbox(a.id(), "inbox/Receipts", Optional.empty());
        assertThat(child.name()).isEqualTo("INBOX/Receipts");
        assertThat(mail().mailbox(a.id(), "Inbox/Receipts")).contains(child);
    }

    @Test
    default void otherNamesAreCaseSensitive() {
        Account a = newAccount();
        mail().createMailbox(a.id(), "Projects", Optional.empty());
        assertThat(mail().mailbox(a.id(), "projects")).isEmpty();
        Mailbox lower = mail().createMailbox(a.id(), "projects", Optional.empty());
        assertThat(lower.name()).isEqualTo("projects");
    }

    @Test
    default void aCreatedMailboxIsListedUnsubscribedWithItsRole() {
        Account a = newAccount();
        Mailbox m = mail().createMailbox(a.id(), "Lists/Java", Optional.of(SpecialUse.FLAGGED));
        assertThat(m.name()).isEqualTo("Lists/Java");
        assertThat(m.accountId()).isEqualTo(a.id());
        assertThat(m.specialUse()).contains(SpecialUse.FLAGGED);
        assertThat(m.subscribed()).isFalse();
        assertThat(mail().mailboxes(a.id())).contains(m);
        assertThat(mail().mailbox(m.id())).contains(m);
    }

    @Test
    default void creatingAnExistingNameFailsWithAlreadyExists() {
        Account a = newAccount();
        mail().createMailbox(a.id(), "Work", Optional.empty());
        assertThatThrownBy(() -> mail().createMailbox(a.id(), "Work", Optional.empty()))
                .isInstanceOf(StoreException.AlreadyExists.class);
        assertThatThrownBy(() -> mail().createMailbox(a.id(), "inbox", Optional.empty()))
                .isInstanceOf(StoreException.AlreadyExists.class);
    }

    @Test
    default void namesThatCannotBeMailboxesAreRefusedAsInvalid() {
        Account a = newAccount();
        for (String bad : List.of("", "/Lead", "Trail/", "dou//ble", "wild*", "wild%", "ctl\u0001")) {
            assertThatThrownBy(() -> mail().createMailbox(a.id(), bad, Optional.empty()))
                    .as("[%s]", bad).isInstanceOf(StoreException.Invalid.class);
        }
    }

    @Test
    default void missingParentsAreNotCreated() {
        Account a = newAccount();
        mail().createMailbox(a.id(), "a/b/c", Optional.empty());
        assertThat(mail().mailbox(a.id(), "a")).isEmpty();
        assertThat(mail().mailbox(a.id(), "a/b")).isEmpty();
    }

    @Test
    default void deletingAMailboxRemovesItsMessagesButKeepsItsChildren() {
        Account a = newAccount();
        Mailbox parent = mail().createMailbox(a.id(), "Parent", Optional.empty());
        Mailbox child = mail().createMailbox(a.id(), "Parent/Child", Optional.empty());
        append(parent, "p");
        append(child, "c");
        mail().deleteMailbox(a.id(), "Parent");
        assertThat(mail().mailbox(parent.id())).isEmpty();
        assertThat(mail().mailbox(a.id(), "Parent/Child")).isPresent();
        assertThat(mail().messages(child.id())).hasSize(1);
        assertThat(mail().quota(a.id()).messages()).isEqualTo(1);
    }

    @Test
    default void inboxCannotBeDeletedAndUnknownMailboxesAreNotFound() {
        Account a = newAccount();
        assertThatThrownBy(() -> mail().deleteMailbox(a.id(), "inbox")).isInstanceOf(StoreException.Conflict.class);
        assertThatThrownBy(() -> mail().deleteMailbox(a.id(), "Nope")).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().status(Long.MAX_VALUE - 7)).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().messages(Long.MAX_VALUE - 7)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void aMailboxCreatedAgainUnderAnOldNameGetsANewUidValidity() {
        Account a = newAccount();
        Mailbox first = mail().createMailbox(a.id(), "Again", Optional.empty());
        mail().deleteMailbox(a.id(), "Again");
        Mailbox second = mail().createMailbox(a.id(), "Again", Optional.empty());
        assertThat(second.uidValidity()).isNotEqualTo(first.uidValidity());
    }

    @Test
    default void renameMovesChildrenAndKeepsMessagesAndUidValidity() {
        Account a = newAccount();
        Mailbox top = mail().createMailbox(a.id(), "Old", Optional.empty());
        Mailbox child = mail().createMailbox(a.id(), "Old/Child", Optional.empty());
        Mailbox grandChild = mail().createMailbox(a.id(), "Old/Child/Deep", Optional.empty());
        Mailbox sibling = mail().createMailbox(a.id(), "Older", Optional.empty());
        append(top, "kept");
        mail().setSubscribed(a.id(), "Old/Child", true);

        mail().renameMailbox(a.id(), "Old", "New/Name");

        assertThat(mail().mailbox(a.id(), "Old")).isEmpty();
        Mailbox renamed = mail().mailbox(a.id(), "New/Name").orElseThrow();
        assertThat(renamed.id()).isEqualTo(top.id());
        assertThat(renamed.uidValidity()).isEqualTo(top.uidValidity());
        assertThat(mail().messages(renamed.id())).hasSize(1);
        assertThat(mail().mailbox(a.id(), "New/Name/Child")).map(Mailbox::id).contains(child.id());
        assertThat(mail().mailbox(a.id(), "New/Name/Child/Deep")).map(Mailbox::id).contains(grandChild.id());
        assertThat(mail().mailbox(a.id(), "Older")).map(Mailbox::id).contains(sibling.id());
        assertThat(mail().subscriptions(a.id())).contains("New/Name/Child").doesNotContain("Old/Child");
    }

    @Test
    default void renameOntoAnExistingNameOrIntoItselfIsRefused() {
        Account a = newAccount();
        mail().createMailbox(a.id(), "A", Optional.empty());
        mail().createMailbox(a.id(), "B", Optional.empty());
        assertThatThrownBy(() -> mail().renameMailbox(a.id(), "A", "B")).isInstanceOf(StoreException.AlreadyExists.class);
        assertThatThrownBy(() -> mail().renameMailbox(a.id(), "A", "A/Sub")).isInstanceOf(StoreException.Invalid.class);
        assertThatThrownBy(() -> mail().renameMailbox(a.id(), "Missing", "C")).isInstanceOf(StoreException.NotFound.class);
        assertThat(mail().mailbox(a.id(), "A")).isPresent();
    }

    @Test
    default void renamingInboxMovesItsMessagesToANewMailboxAndLeavesInboxEmpty() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox inboxChild = mail().createMailbox(a.id(), "INBOX/Sub", Optional.empty());
        append(inbox, "one", "\\Seen");
        append(inbox, "two");

        mail().renameMailbox(a.id(), "inbox", "Old Inbox");

        Mailbox moved = mail().mailbox(a.id(), "Old Inbox").orElseThrow();
        List<MessageMeta> messages = mail().messages(moved.id());
        assertThat(messages).hasSize(2);
        assertThat(messages.getFirst().flags()).contains("\\Seen");
        assertThat(mail().messages(inbox.id())).isEmpty();
        Mailbox inboxAfter = inbox(a);
        assertThat(inboxAfter.id()).isEqualTo(inbox.id());
        assertThat(inboxAfter.uidNext()).isEqualTo(3);
        assertThat(mail().mailbox(a.id(), "INBOX/Sub")).map(Mailbox::id).contains(inboxChild.id());
        assertThat(mail().quota(a.id()).messages()).isEqualTo(2);
    }

    @Test
    default void subscriptionsMayNameMailboxesThatDoNotExist() {
        Account a = newAccount();
        mail().setSubscribed(a.id(), "Ghost", true);
        mail().setSubscribed(a.id(), "Trash", false);
        assertThat(mail().subscriptions(a.id())).contains("Ghost").doesNotContain("Trash");
        assertThat(mail().mailbox(a.id(), "Trash").orElseThrow().subscribed()).isFalse();
        mail().createMailbox(a.id(), "Ghost", Optional.empty());
        assertThat(mail().mailbox(a.id(), "Ghost").orElseThrow().subscribed()).isTrue();
        mail().setSubscribed(a.id(), "Ghost", true);
        assertThat(mail().subscriptions(a.id())).filteredOn("Ghost"::equals).hasSize(1);
    }

    @Test
    default void deletingAMailboxKeepsItsSubscription() {
        // RFC 9051 §6.3.9: the server must not remove a subscription unilaterally.
        Account a = newAccount();
        mail().deleteMailbox(a.id(), "Junk");
        assertThat(mail().subscriptions(a.id())).contains("Junk");
    }

    @Test
    default void statusCountsMessagesUnseenDeletedAndSize() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long s1 = append(inbox, "one", "\\Seen").meta().size();
        long s2 = append(inbox, "two").meta().size();
        long s3 = append(inbox, "three", "\\Deleted").meta().size();
        MailboxStatus status = mail().status(inbox.id());
        Mailbox now = mailbox(inbox.id());
        assertThat(status).isEqualTo(new MailboxStatus(3, 2, 1, s1 + s2 + s3, 4, inbox.uidValidity(),
                now.highestModSeq()));
        mail().updateFlags(inbox.id(), UidSet.of(2), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        assertThat(mail().status(inbox.id()).unseen()).isEqualTo(1);
    }

    @Test
    default void statusByNameAnswersTheMailboxItsStatusAndItsUnclaimedRecentCountTogether() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        append(inbox, "one", "\\Seen");
        append(inbox, "two");
        mail().claimRecent(inbox.id());
        append(inbox, "three");
        Mailbox now = mailbox(inbox.id());

        var named = mail().statusByName(a.id(), "inbox", true).orElseThrow();
        assertThat(named.mailbox()).isEqualTo(now);
        assertThat(named.status()).isEqualTo(mail().status(inbox.id()));
        assertThat(named.unclaimedRecent()).isEqualTo(1);
        assertThat(mail().statusByName(a.id(), "INBOX", false).orElseThrow().unclaimedRecent()).isZero();
        assertThat(mail().recent(inbox.id())).isEqualTo(UidSet.of(3)); // counted, not claimed
    }

    @Test
    default void statusByNameIsEmptyForNamesThatNameNoMailbox() {
        Account a = newAccount();
        assertThat(mail().statusByName(a.id(), "Nope", true)).isEmpty();
        assertThat(mail().statusByName(a.id(), "dou//ble", false)).isEmpty();
        assertThat(mail().statusByName(a.id(), "inbox/Missing", false)).isEmpty();
    }

    @Test
    default void quotaUsageCountsEveryMailboxOfTheAccount() {
        Account a = newAccount(1_000_000);
        Mailbox archive = mail().mailbox(a.id(), "Archive").orElseThrow();
        long s1 = append(inbox(a), "one").meta().size();
        long s2 = append(archive, "two").meta().size();
        var usage = mail().quota(a.id());
        assertThat(usage.usedBytes()).isEqualTo(s1 + s2);
        assertThat(usage.messages()).isEqualTo(2);
        assertThat(usage.limitBytes()).isEqualTo(1_000_000);
    }
}
