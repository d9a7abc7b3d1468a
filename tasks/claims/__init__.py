"""Claims from an article's paragraphs: sentences, speakers, quantities, frames, polarity, check-
worthiness (the shipped model in models/) and claim types.
"""
