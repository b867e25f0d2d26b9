"""The moderation pages: the queue, the playbook, the automatic checks, the audit log."""
