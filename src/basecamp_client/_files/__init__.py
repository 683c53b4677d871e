"""Hand-written file services wired into the generated account classes by the generator
(see ``codegen/extensions.yaml``): ``account.uploads.upload_file`` and
``account.downloads``."""
