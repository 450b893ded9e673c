"""İzlə's application shell: the Textual app, its CLI, i18n catalogs and styles."""
