package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MetadataStore;
import jotmai.store.MetadataStore.Entry;
import jotmai.store.MetadataStore.Limits;
import jotmai.store.MetadataStore.SetResult;
import jotmai.store.StoreException;

/** {@link MetadataStore}: RFC 5464 entries, private vs shared, limits, and their life with mailboxes. */
public interface MetadataContract extends StoreFixture {
    Limits ROOMY = new Limits(100, 100_000);

    private MetadataStore md() {
        return store().metadata();
    }

    private static Map<String, byte[]> one(String name, String value) {
        Map<String, byte[]> m = new HashMap<>();
        m.put(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private static List<String> names(List<Entry> entries) {
        return entries.stream().map(e -> e.name() + "=" + new String(e.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    default void entriesAreSetReplacedListedByNameAndDeletedWithNull() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        assertThat(md().set(a.id(), inbox.id(), one("/private/comment", "one"), ROOMY)).isEqualTo(SetResult.DONE);
        md().set(a.id(), inbox.id(), one("/shared/comment", "shared"), ROOMY);
        md().set(a.id(), inbox.id(), one("/private/comment", "two"), ROOMY);
        assertThat(names(md().entries(a.id(), inbox.id())))
                .containsExactly("/private/comment=two", "/shared/comment=shared");
        md().set(a.id(), inbox.id(), one("/private/comment", null), ROOMY);
        md().set(a.id(), inbox.id(), one("/private/never-set", null), ROOMY); // deleting nothing is fine
        assertThat(names(md().entries(a.id(), inbox.id()))).containsExactly("/shared/comment=shared");
    }

    @Test
    default void serverEntriesAreSeparateFromMailboxEntriesAndPrivateOnesFromOtherUsers() {
        Account a = newAccount();
        Account b = newAccount();
        md().set(a.id(), MetadataStore.SERVER, one("/private/vendor/x/sig", "A's signature"), ROOMY);
        md().set(b.id(), MetadataStore.SERVER, one("/private/vendor/x/sig", "B's signature"), ROOMY);
        assertThat(names(md().entries(a.id(), MetadataStore.SERVER))).containsExactly("/private/vendor/x/sig=A's signature");
        assertThat(names(md().entries(b.id(), MetadataStore.SERVER))).containsExactly("/private/vendor/x/sig=B's signature");
        assertThat(md().entries(a.id(), inbox(a).id())).isEmpty();
        // on a's mailbox, b (e.g. through an ACL) sees a's shared entries but not a's private ones
        md().set(a.id(), inbox(a).id(), one("/shared/comment", "team box"), ROOMY);
        md().set(a.id(), inbox(a).id(), one("/private/comment", "mine"), ROOMY);
        md().set(b.id(), inbox(a).id(), one("/private/comment", "b's note"), ROOMY);
        assertThat(names(md().entries(b.id(), inbox(a).id())))
                .containsExactly("/private/comment=b's note", "/shared/comment=team box");
        assertThat(names(md().entries(a.id(), inbox(a).id())))
                .containsExactly("/private/comment=mine", "/shared/comment=team box");
    }

    @Test
    default void limitsRefuseTheWholeChangeAndCountReplacementsOnce() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Limits small = new Limits(2, 10);
        assertThat(md().set(a.id(), inbox.id(), one("/private/a", "12345"), small)).isEqualTo(SetResult.DONE);
        assertThat(md().set(a.id(), inbox.id(), one("/private/a", "1234567890"), small)).isEqualTo(SetResult.DONE);
        assertThat(md().set(a.id(), inbox.id(), one("/private/b", "x"), small)).isEqualTo(SetResult.TOO_LARGE);
        Map<String, byte[]> two = new LinkedHashMap<>(one("/private/a", "1"));
        two.putAll(one("/private/b", "2"));
        assertThat(md().set(a.id(), inbox.id(), two, small)).isEqualTo(SetResult.DONE);
        Map<String, byte[]> third = new LinkedHashMap<>(one("/private/a", "changed"));
        third.putAll(one("/private/c", "3"));
        assertThat(md().set(a.id(), inbox.id(), third, small)).isEqualTo(SetResult.TOO_MANY);
        assertThat(names(md().entries(a.id(), inbox.id()))).containsExactly("/private/a=1", "/private/b=2");
    }

    @Test
    default void badNamesAndMissingMailboxesAreRefused() {
        Account a = newAccount();
        assertThatThrownBy(() -> md().set(a.id(), inbox(a).id(), one("/other/x", "v"), ROOMY))
                .isInstanceOf(StoreException.Invalid.class);
        assertThatThrownBy(() -> md().set(a.id(), inbox(a).id(), one("/private/Upper", "v"), ROOMY))
                .isInstanceOf(StoreException.Invalid.class);
        Mailbox gone = mail().createMailbox(a.id(), "Gone", Optional.empty());
        mail().deleteMailbox(a.id(), "Gone");
        assertThatThrownBy(() -> md().set(a.id(), gone.id(), one("/private/x", "v"), ROOMY))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void entriesGoWithTheirMailboxAndSurviveARename() {
        Account a = newAccount();
        Mailbox box = mail().createMailbox(a.id(), "Projects", Optional.empty());
        md().set(a.id(), box.id(), one("/private/color", "blue"), ROOMY);
        mail().renameMailbox(a.id(), "Projects", "Finished");
        assertThat(names(md().entries(a.id(), box.id()))).containsExactly("/private/color=blue");
        mail().deleteMailbox(a.id(), "Finished");
        Mailbox again = mail().createMailbox(a.id(), "Finished", Optional.empty());
        assertThat(md().entries(a.id(), again.id())).isEmpty();
        assertThat(md().entries(a.id(), box.id())).isEmpty();
    }
}
