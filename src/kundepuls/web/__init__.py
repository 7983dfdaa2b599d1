"""The web layer's shared parts: templates, the page layout's texts and rendering."""
