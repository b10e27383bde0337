"""Post: letters to citizens by Digital Post (KOMBIT's SF1601 with MeMo messages), to
professionals by e-mail (SMTP), and to people exempt from Digital Post by print
(fjernprint batches). ``service.send_letter`` is the entry point (called by letters);
deliveries run through the outbox (``tasks``). See docs/architecture.md, "Post"."""
