package jotmai.store.jdbc;

import jotmai.store.AccountStore;
import jotmai.store.AclStore;
import jotmai.store.ChangeBus;
import jotmai.store.MailStore;
import jotmai.store.MetadataStore;
import jotmai.store.QueueStore;
import jotmai.store.ThrottleStore;

/** The stores and the change bus an opened backend is made of, handed out by {@link JdbcStore}. */
public record StoreParts(AccountStore accounts, MailStore mail, QueueStore queue, ChangeBus changes, AclStore acl,
                         MetadataStore metadata, ThrottleStore throttle) {
}
