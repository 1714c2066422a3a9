#!/bin/sh
# test_autopsy_jython.sh - tests/bindings/test_autopsy_mapping.py under real Jython
# 2.7 (Debian jython), reading the case database over JDBC with
# org.sqlite.JDBC (Debian libxerial-sqlite-jdbc-java), as Autopsy does.
srcdir=${DOF_SRCDIR:-$(dirname "$0")/../..}
jar=
for j in /usr/share/java/jython.jar /usr/share/jython/jython.jar; do
    [ -f "$j" ] && { jar=$j; break; }
done
jdbc=
for j in /usr/share/java/sqlite-jdbc.jar /usr/share/java/xerial-sqlite-jdbc.jar; do
    [ -f "$j" ] && { jdbc=$j; break; }
done
if [ -z "$jar" ] || [ -z "$jdbc" ] || ! command -v java >/dev/null 2>&1; then
    echo "1..0 # SKIP jython or sqlite-jdbc not installed (apt-get install jython libxerial-sqlite-jdbc-java)"
    exit 0
fi
# The JDBC driver on the JVM's class path (java -jar, as /usr/bin/jython
# runs it, would ignore it), the way Autopsy has it.
exec java -Xss8m -cp "$jar:$jdbc" -Dpython.home=/usr/share/jython \
    -Dpython.cachedir.skip=true org.python.util.jython \
    "$srcdir/tests/bindings/test_autopsy_mapping.py"
