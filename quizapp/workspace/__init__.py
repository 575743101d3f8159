"""The editors' side: `accounts` (editors and passwords), `edits` (every change to the bank,
checked whole and logged), what the articles and templates pages show (`articles`,
`templates`), the front page's counts (`overview`) and the fact material found in a pasted
article (`suggest`)."""
