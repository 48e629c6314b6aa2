"""Names vulture reports as unused that are used where it cannot see (tests/test_dead_code.py).

Only true false positives belong here, each with where it is used. The test fails on an entry vulture
no longer reports, so that the list shrinks with the code. Format: vulture's (`vulture --make-whitelist`).
"""

# dataclass fields: a record of the data they describe, written out or cited, not read attribute by attribute
_.content_hash  # kg/manifest.py Manifest: written to manifest.json (the build folder's name)
_.authority  # kg/divisions.py Edition: the citation of the divisions table
_.source_page  # kg/divisions.py Edition
_.package_version  # kg/divisions.py Edition
_.package_licence  # kg/divisions.py Edition
COUNTY  # kg/divisions.py Level: the Ministry's level 3, reached by value (Level(3))

# read by Jinja templates (server/templates/)
_.csv_url  # server/analysis.py, analysis.html

# set for a library that reads it
_.ensure_ascii  # server/app.py: Flask's JSON provider
_.shacl_graph  # kg/validation: pySHACL's Validator
_.__class__  # kg/validation: pySHACL's shapes given the project's shape class
_.channel_class  # server/wsgi.py: waitress's server builds its channels from it
_.request_class  # server/app.py: Flask builds each request from it (server/forms.py)
_._parse_urlencoded  # server/forms.py: werkzeug's FormDataParser.parse calls it for url-encoded bodies
_.form_data_parser_class  # server/forms.py: werkzeug's Request builds its form parser from it
_.will_close  # server/wsgi.py: waitress closes a channel that says so
_.total_outbufs_len  # server/wsgi.py: waitress sends a channel's buffers while it counts queued bytes
_.writable  # server/worker.py: the io.RawIOBase protocol
signum  # server/wsgi.py: a signal handler's signature
