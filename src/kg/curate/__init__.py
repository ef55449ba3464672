"""The curate step: new documents become reviewed facts with their quotes.

- :mod:`kg.curate.documents`: ``kg source add``, registering and describing a document;
- :mod:`kg.curate.segment`: words with offsets and parts of speech (jieba);
- :mod:`kg.curate.numbers`: the figures a text reports (value, unit, qualifier);
- :mod:`kg.curate.timex`: the periods a text names, resolved against its date;
- :mod:`kg.curate.lexicon`: the names the graph and the gazetteer already know;
- :mod:`kg.curate.mentions`: places, organizations and other names a text mentions;
- :mod:`kg.curate.recognitions`: titles, awards, rankings, acceptances and pilots;
- :mod:`kg.curate.extract`: ``kg extract``, every candidate of a document (entry point
  :func:`kg.curate.extract.extract`);
- :mod:`kg.curate.review`: the review table a person edits, kept across re-extraction;
- :mod:`kg.curate.files`: ``kg extract``'s review and draft files;
- :mod:`kg.curate.support`: whether the document states each relation a row writes, or it is
  inferred (and why);
- :mod:`kg.curate.draft`: the Turtle a review becomes;
- :mod:`kg.curate.accept`: ``kg curate accept``, the accepted rows into the source's folder;
- :mod:`kg.curate.evaluate`: candidates against hand-curated facts (precision and recall).

It comes after the link step, whose parsers (values, periods, places) it uses, and before
publishing: what it writes is curated data like any other.
"""
