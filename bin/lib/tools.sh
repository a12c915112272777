# Sourced by the server scripts of bin/ (kafka, flink): what they share.
#
# tool_classpath <tool pom> <home>: the class path of a server made of Maven artifacts, resolved
# from its pom once and cached in <home>/classpath.txt until the pom changes.
tool_classpath() {
  local pom="$1" home="$2"
  local root cp="$2/classpath.txt"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [[ ! -s "$cp" || "$pom" -nt "$cp" ]]; then
    mkdir -p "$home"
    "$root/mvnw" -q -B -ntp -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cp" >&2
  fi
  cat "$cp"
}

# jvm_opens: the --add-opens flags Flink and Beam need on Java 17, read from the parent pom's
# jvm.opens property so that the scripts and the build never disagree.
jvm_opens() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' "$root/pom.xml"
}
