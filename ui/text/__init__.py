"""Words and formulas with the numbers filled in (English and Japanese), and how outside text is made inert."""
