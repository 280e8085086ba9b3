#!/usr/bin/env python3
"""The 100,000-message mailbox benchmark (issue 4): one deterministic Maildir for both servers.

populate: writes N messages into a Maildir's cur/ (deterministic with --seed). About 85% come from
  /work/shared/peers/big-mailbox.py's generator (text/plain 7bit and QP, multipart/alternative with QP
  text+HTML, multipart/mixed with base64 attachments, RFC 2047 UTF-8 headers, 2-10 KB); the other 15%
  are made here: ISO-8859-1 quoted-printable text, TIS-620 base64 Thai text, and larger 10-20 KB
  multipart messages. A rare word goes into --rare messages, a Thai word into --thai messages (some of
  them TIS-620 encoded). The true counts go to <maildir>/../big-mailbox-truth.json.
    bigmailbox.py populate --maildir DIR [--count 100000]

measure: times, over IMAP (python imaplib; client-observed wall time, parsing included), the first
  SELECT, then each command --runs times: SELECT, UID FETCH 1:* (FLAGS), UID SEARCH UNSEEN (and SEEN,
  FLAGGED, ANSWERED, DELETED), STATUS (MESSAGES UNSEEN), EXAMINE,
  SEARCH BODY <rare>, SEARCH BODY <common>, SEARCH TEXT <rare>, SEARCH TEXT <common>,
  SEARCH CHARSET UTF-8 BODY <thai>, SEARCH SUBJECT <word>. Prints RESULT lines (min/median/max and the
  number of results, which must agree between servers).
    bigmailbox.py measure --port 10143 --user user200@example.test --password pass --label dovecot
"""
import argparse
import base64
import imaplib
import importlib.util
import json
import os
import quopri
import random
import statistics
import time

PEERS = os.environ.get("PEERS", "/work/shared/peers")
COMMON = "budget"               # one of the generator's words: in nearly every message


def peer_generator():
    spec = importlib.util.spec_from_file_location("peer_big_mailbox", os.path.join(PEERS, "big-mailbox.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


LATIN_WORDS = ("café naïve façade résumé crème brûlée déjà vu über größe straße señor año "
               "garçon élève hôtel fiancée rôle piñata jalapeño").split()
THAI_WORDS = ("สวัสดี ประชุม รายงาน งบประมาณ ลูกค้า สัญญา โครงการ ตาราง การเดินทาง โรงแรม "
              "เที่ยวบิน ความปลอดภัย รหัสผ่าน บัญชี ข้อความ กล่องจดหมาย").split()


def own_message(g, rng, i, rare, thai, subj_word):
    """A message in a charset or size class big-mailbox.py does not make; returns (bytes, seen, where)."""
    kind = rng.random()
    name = rng.choice(g.NAMES)
    ts = 1764000000 + i * 30 + rng.randint(0, 29)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(ts))
    subj = [rng.choice(g.WORDS) for _ in range(rng.randint(3, 7))]
    subj = [w for w in subj if w != g.SUBJ_WORD] or ["status"]
    if subj_word:
        subj.insert(rng.randrange(len(subj) + 1), g.SUBJ_WORD)
    hdr = ("Return-Path: <%s@%s>\nDelivered-To: user200@example.test\n"
           "From: %s <%s@%s>\nTo: User 200 <user200@example.test>\nSubject: %s\nDate: %s\n"
           "Message-ID: <own-%d.%d@example.test>\nMIME-Version: 1.0\n"
           % (name.split()[0].lower(), g.DOMAINS[0], g.enc_header(name), name.split()[0].lower(),
              rng.choice(g.DOMAINS), g.enc_header(" ".join(subj).capitalize()), date, i, ts))
    inject = ([g.RARE] if rare else []) + ([g.THAI] if thai else [])
    if kind < 0.35 and not thai:
        text = g.paragraph_text(rng, rng.randint(2000, 9000), inject + rng.sample(LATIN_WORDS, 4))
        body = quopri.encodestring(text.encode("iso-8859-1")).decode("ascii")
        return (hdr + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
                + body).encode("utf-8"), rng.random() < 0.8, "latin1-qp"
    if kind < 0.65:
        words = [rng.choice(THAI_WORDS) for _ in range(rng.randint(300, 1500))]
        for w in inject:
            words.insert(rng.randrange(len(words) + 1), w)
        text = "\n".join(" ".join(words[k:k + 12]) for k in range(0, len(words), 12)) + "\n"
        return (hdr + "Content-Type: text/plain; charset=TIS-620\nContent-Transfer-Encoding: base64\n\n"
                + g.b64_lines(text.encode("tis_620"))).encode("utf-8"), rng.random() < 0.8, "tis620-b64"
    b = "=_big_%d" % i
    txt = g.paragraph_text(rng, rng.randint(5000, 9000), inject)
    html = "<html><body>" + "".join("<p>%s</p>\n" % p for p in txt.split("\n") if p) + "</body></html>\n"
    msg = (hdr + 'Content-Type: multipart/alternative; boundary="%s"\n\n'
           "--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n%s\n"
           "--%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n%s"
           "--%s--\n" % (b, b, g.qp_encode(txt), b, g.b64_lines(html.encode("utf-8")), b))
    return msg.encode("utf-8"), rng.random() < 0.8, "large-alternative"


def populate(args):
    g = peer_generator()
    rng = random.Random(args.seed)
    cur = os.path.join(args.maildir, "cur")
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(args.maildir, d), exist_ok=True)
    rare_set = set(rng.sample(range(args.count), args.rare))
    thai_set = set(rng.sample(range(args.count), args.thai))
    subj_set = set(rng.sample(range(args.count), max(1, args.count // 100)))
    truth = {"count": args.count, "rare_word": g.RARE, "rare": 0, "thai_word": g.THAI, "thai": 0,
             "subject_word": g.SUBJ_WORD, "subject": len(subj_set), "unseen": 0, "bytes": 0, "where": {}}
    base_ts = 1764000000
    t0 = time.monotonic()
    for i in range(args.count):
        if rng.random() < 0.15:
            m, seen, where = own_message(g, rng, i, i in rare_set, i in thai_set, i in subj_set)
        else:
            m, seen, where = g.make_message(rng, i, i in rare_set, i in thai_set, i in subj_set)
        truth["rare"] += i in rare_set
        truth["thai"] += i in thai_set
        truth["unseen"] += not seen
        truth["bytes"] += len(m)
        truth["where"][where] = truth["where"].get(where, 0) + 1
        fn = "%d.M%dQ%d.bigmbox,S=%d:2,%s" % (base_ts + i, i, i, len(m), "S" if seen else "")
        with open(os.path.join(cur, fn), "wb") as f:
            f.write(m)
        os.utime(os.path.join(cur, fn), (base_ts + i, base_ts + i))
    with open(os.path.join(os.path.dirname(os.path.abspath(args.maildir)), "big-mailbox-truth.json"), "w") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    print("wrote %d messages, %.1f MB, in %.1fs; truth: %s" % (
        args.count, truth["bytes"] / 1e6, time.monotonic() - t0, json.dumps(truth, ensure_ascii=False)))


def count_ids(data):
    return len(b" ".join(x for x in data if x).split())


def measure(args):
    g = peer_generator()
    imaplib._MAXLINE = 50_000_000
    c = imaplib.IMAP4(args.host, args.port, timeout=args.timeout)
    c.login(args.user, args.password)
    rows = []

    only = set(args.only.split(",")) if args.only else None

    def timed(label, fn, runs, group=None):
        if only is not None and group not in only:
            return
        ts, res = [], None
        for _ in range(runs):
            t0 = time.monotonic()
            res = fn()
            ts.append(time.monotonic() - t0)
        print("RESULT %-8s %-36s min=%.3f median=%.3f max=%.3f result=%s" % (
            args.label, label, min(ts), statistics.median(ts), max(ts), res), flush=True)
        rows.append((label, min(ts), statistics.median(ts), res))

    def select():
        typ, d = c.select("INBOX")
        return int(d[0])
    if only is not None and "select" not in only:
        select()  # the other commands need a selected mailbox
    timed("first SELECT", select, 1, "select")
    timed("SELECT", select, args.runs, "select")
    timed("UID FETCH 1:* (FLAGS)", lambda: sum(1 for x in c.uid("FETCH", "1:*", "(FLAGS)")[1] if x), args.runs,
          "fetch")
    timed("UID SEARCH UNSEEN", lambda: count_ids(c.uid("SEARCH", None, "UNSEEN")[1]), args.runs, "unseen")
    # the other flag keys a client sends at sync time (same group as "flags")
    for key in ("SEEN", "FLAGGED", "ANSWERED", "DELETED"):
        timed("UID SEARCH " + key, lambda key=key: count_ids(c.uid("SEARCH", None, key)[1]), args.runs, "flags")

    def status():
        typ, d = c.status("INBOX", "(MESSAGES UNSEEN)")
        return d[0].decode().split("(", 1)[1].rstrip(")")
    timed("STATUS INBOX (MESSAGES UNSEEN)", status, args.runs, "status")

    def examine():
        typ, d = c.select("INBOX", readonly=True)
        return int(d[0])
    timed("EXAMINE", examine, args.runs, "select")
    select()  # back to read-write for the searches below

    def search(*crit, literal=None):
        def run():
            if literal is not None:
                c.literal = literal
                typ, d = c.search("UTF-8", *crit)
            else:
                typ, d = c.search(None, *crit)
            return count_ids(d) if typ == "OK" else "%s %s" % (typ, d)
        return run
    timed('SEARCH BODY "%s" (rare)' % g.RARE, search("BODY", g.RARE), args.runs, "body")
    timed('SEARCH BODY "%s" (common)' % COMMON, search("BODY", COMMON), args.runs, "body")
    timed('SEARCH TEXT "%s" (rare)' % g.RARE, search("TEXT", g.RARE), args.runs, "text")
    timed('SEARCH TEXT "%s" (common)' % COMMON, search("TEXT", COMMON), args.runs, "text")
    timed("SEARCH CHARSET UTF-8 BODY <thai>", search("BODY", literal=g.THAI.encode("utf-8")), args.runs, "thai")
    timed('SEARCH SUBJECT "%s"' % g.SUBJ_WORD, search("SUBJECT", g.SUBJ_WORD), args.runs, "subject")
    c.logout()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("populate")
    p.add_argument("--maildir", required=True)
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--rare", type=int, default=100)
    p.add_argument("--thai", type=int, default=100)
    p.add_argument("--seed", type=int, default=200)
    m = sub.add_parser("measure")
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=10143)
    m.add_argument("--user", default="user200@example.test")
    m.add_argument("--password", default="pass")
    m.add_argument("--label", default="server")
    m.add_argument("--runs", type=int, default=3)
    m.add_argument("--timeout", type=float, default=900)
    m.add_argument("--only", default="", help="comma list of select,fetch,unseen,flags,status,body,text,thai,subject (default all)")
    args = ap.parse_args()
    populate(args) if args.cmd == "populate" else measure(args)


if __name__ == "__main__":
    main()
