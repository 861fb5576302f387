"""Where emails come from: IMAP accounts and local mail stores.

`raw` is what every source yields (bytes and where they came from); `local`
reads a Maildir, mbox or folder of .eml files; `imap_connect` logs in
(`imap_auth` fetches OAuth tokens for Gmail and Microsoft) and wraps a
read-only connection; `imap` reads a folder from its cursor; `imap_watch`
keeps one folder in IDLE or polling; `accounts` turns the configured accounts
into readers and watchers that feed the pipeline; `backoff` spaces retries.
May import `store`, `config`, the core and `parsers`; never `notify`,
`service` or `cli`.
"""
