#!/bin/sh
# System packages the tests need, installed with apt-get when running as root.
# java: the HermiT OWL reasoner (shipped inside owlready2) runs on the JVM.
# chromium: the browser tests of the graph page, the query editor and the pages (Playwright drives this one;
#   it never downloads a browser).
# fonts-wqy-microhei: a CJK font, so the page's Chinese labels render in that browser.
# virtuoso-opensource: the Virtuoso server the catalog, `kg push` and `kg query --endpoint` are
#   checked on (tests start their own instance on loopback; the package's service is not used).
# libapache-jena-java: Apache Jena's jars (RIOT, ARQ, TDB2, SHACL), the second engine checked.
set -eu

missing=""
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$missing fonts-wqy-microhei"
command -v virtuoso-t >/dev/null 2>&1 || missing="$missing virtuoso-opensource"
dpkg -s libapache-jena-java >/dev/null 2>&1 || missing="$missing libapache-jena-java"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "The tests need these system packages:$missing" >&2
    echo "Install them as root, e.g.: sudo apt-get install$missing" >&2
    exit 1
fi
