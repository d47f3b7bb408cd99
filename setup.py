"""Package discovery that pyproject.toml cannot express: the host in ccpolicy/, each built-in plugin
as a top-level package from plugins/, and the default policies in policies/ as ``ccpolicy_policies``."""

from setuptools import find_packages, setup

plugin_packages = find_packages("plugins")
setup(
    packages=[*find_packages(include=["ccpolicy", "ccpolicy.*"]), *plugin_packages, "ccpolicy_policies"],
    package_dir={
        "ccpolicy_policies": "policies",
        **{name: "plugins/" + name.replace(".", "/") for name in plugin_packages},
    },
)
