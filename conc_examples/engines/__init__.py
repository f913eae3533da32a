"""Chapter 10's engines: a throwaway Redis-compatible server, Celery's app, tasks and
workers, Dask's tasks, and gevent's measurements in an interpreter of their own.  They
need the ``engines`` extra: ``pip install "conc-examples[engines]"``."""
