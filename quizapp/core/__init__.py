"""What every area stands on: the database engine and its migrations, where the bundled files
and the instance folder are, and plain text handling. No Flask, and nothing from the areas."""
