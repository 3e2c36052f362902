"""Listing our products on Rakuten (EC出品): templates, the pre-flight check, items upsert and the CSV.

models: ListingTemplate and Listing; templates: the fixed placeholders; variants: our SKUs as Rakuten
variants; words and preflight: what blocks a listing before anything is sent; payload: the item JSON;
sending: items upsert and what follows it (mappings, the first stock push); csv_export: normal-item.csv.
"""
