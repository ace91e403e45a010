"""Build hook: the compiled translation catalogues (``.mo``) are not kept in git, so every build of
the package (``pip install .``, a wheel) compiles them from the ``.po`` files into the built
package. Without them an English page would show its French text.

It also copies the migrations and the documents the app shows into the package, and writes a gzip copy of each static text file, which WhiteNoise serves compressed.

Editable installs (``pip install -e .``, what ``make`` does) read the source tree instead:
``make translations`` compiles the catalogues there.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        self._compile_catalogues()
        self._compress_static_files()
        self._copy_beside_the_code()

    def _compile_catalogues(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(Path("app/translations").glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=po_path.parts[-3])
            mo_path = Path(self.build_lib) / po_path.with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog)

    def _compress_static_files(self) -> None:
        """A gzip copy beside each text file of app/static, which WhiteNoise sends to browsers
        that accept it (``app.core.static_files``)."""
        from whitenoise.compress import Compressor

        compressor = Compressor(quiet=True)
        static = Path(self.build_lib) / "app" / "static"
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.endswith((".gz", ".br")) and compressor.should_compress(path.name):
                compressor.compress(str(path))

    def _copy_beside_the_code(self) -> None:
        """The migrations and the documents the app shows live at the top of the repository;
        an installed package carries a copy (``app/_migrations``, ``app/_docs``)."""
        for source, target in (("migrations", "_migrations"), ("docs", "_docs")):
            shutil.copytree(
                source,
                Path(self.build_lib) / "app" / target,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                dirs_exist_ok=True,
            )


setup(cmdclass={"build_py": BuildPyWithCatalogues})
