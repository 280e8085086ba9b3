package jotmai.smtp;

import java.nio.file.Path;

import jotmai.shared.auth.Authenticator;

/** What every session of one listener shares; built once by {@link SmtpServer}. */
record SmtpContext(SmtpConfig config, ListenerKind kind, Authenticator authenticator, RecipientPolicy policy,
                   Delivery delivery, SendRateLimiter rateLimiter, Networks trusted, Path stagingDirectory,
                   MxAuthentication mxAuthentication) {}
