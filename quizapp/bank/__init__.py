"""The question bank: kinds, entities, articles, facts and templates, as reviewed files and as
rows. `files` reads and validates the files, `slots` is the templates' slot grammar, `sync`
mirrors a valid bank into the database and reads it back, `dump` writes it to files again."""
