"""Questions made from the bank: `generation` fills every template from every fitting fact,
`preview` runs it on an editor's draft with the checks around it, `browse` reads the results
back for people and for export."""
