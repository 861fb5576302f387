"""Reading emails under a budget: each email is parsed in a worker process.

Any stranger can send the user an email, and a parser can always meet an input
nobody thought of. Python's regular expressions hold the interpreter lock while
they run, so a slow pattern in a thread stops every other thread of the daemon,
its systemd watchdog pings included, and no timer inside the process can stop it.
A separate process can be stopped: `BudgetedReader` hands each email to a worker
(`worker.py`, started on demand) and kills it when the email is not read within
its budget of seconds or memory; the email is then recorded as "parse budget
exceeded" and never read again, and the next email gets a fresh worker. A worker
left without work for a while exits by itself, so an idle daemon carries none.

`reading.read_email` is what a worker does with one email: decode it, parse it,
and keep what the audit trail records of it (`Parsed`).
"""
