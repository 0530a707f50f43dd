"""Transactional outbox: background work is written to the database with the change that calls for
it, then published to the Celery broker by a relay. With Redis down nothing is lost or slowed."""
