"""How gunicorn serves the archive: `gunicorn kremlin_archive.wsgi` reads this file from the working directory.

Each value can be changed through the environment without editing the file; the reasons below are for the
defaults, chosen for a machine with a few cores serving mostly cached pages.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Rendering a page is Python work that holds the interpreter lock, so processes, not threads, use the cores:
# two per core, so one can render while the other waits for the database or the index.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))

# Threads let a worker keep idle keep-alive connections and a slow reader's download without blocking the others;
# a few are enough, since they share one interpreter lock.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))

# A page needs well under a second; a search stops itself at its budget (5 s) and a database statement at its
# timeout (below). A worker still busy after 30 s is stuck and is replaced.
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5

# Workers are not replaced after a number of requests unless WEB_MAX_REQUESTS asks for it: a worker's memory is
# bounded (its page cache keeps a fixed number of pages), and each replacement empties that cache, takes seconds of
# loading the search index, and resets the keep-alive connections the worker held, which a client sees as an
# error. Should a leak ever appear, WEB_MAX_REQUESTS bounds it; the jitter of half that number keeps workers that
# share the load evenly from being replaced all at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 2

# Requests come from the load balancer or reverse proxy on these addresses; only their X-Forwarded-* headers are
# believed (the archive reads the scheme from them when BEHIND_PROXY is set).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("ACCESS_LOG", "-")

# The web workers stop a database statement that runs longer than this, well before the worker timeout, so that
# a stuck query ends in the archive's "try again" page rather than a killed worker. Management commands (imports,
# index rebuilds) keep no such limit.
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "10")
