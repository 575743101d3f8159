"""What every area stands on: the database engine and its migrations, where the bundled files
and the instance folder are, plain text handling, and the Problem every validation path
reports. No Flask, and nothing from the areas."""
