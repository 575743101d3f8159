"""The game: `play` (players, attempts, serving and answering), `grading` (is an answer right),
`scoring` (its points), `quizzes` (which questions a quiz holds), `ranking` (the boards),
`charts`, `feedback` (players' reports, answer statistics, calibrated difficulty) and `demo`
(Faker players). It never imports the workspace."""
