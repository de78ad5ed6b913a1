# Russian number formats where the project writes them differently from Django's: thousands are
# grouped with a narrow no-break space (U+202F, "12 345"), as Russian typography and CLDR write them;
# Django's own Russian formats use the wider no-break space. Everything else comes from Django.
THOUSAND_SEPARATOR = "\u202f"
