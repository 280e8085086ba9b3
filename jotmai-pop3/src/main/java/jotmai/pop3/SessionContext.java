package jotmai.pop3;

import java.time.Clock;

import jotmai.shared.auth.Authenticator;
import jotmai.store.AccountStore;
import jotmai.store.ChangeBus;
import jotmai.store.MailStore;

/** What every session of one server shares: configuration, store, authentication, login times. */
record SessionContext(Pop3Config config, MailStore mail, AccountStore accounts, ChangeBus changes, Authenticator auth,
                      LoginDelays loginDelays, Clock clock) {}
