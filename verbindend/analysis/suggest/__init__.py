"""Suggested codes: segments of uncoded text, scored against the framework and the study's codings.

``segment`` cuts text into sentences or paragraphs (code-point offsets), ``text`` turns a segment
into Dutch or English lemmas, ``engine`` scores segments against codes (a framework prior from the
method content plus a classifier trained on the study's codings), ``framework`` collects the prior
texts of a study's codebook, ``services`` stores models and suggestions, ``tasks`` retrains in the
background. Everything runs on this machine; nothing is downloaded.
"""
