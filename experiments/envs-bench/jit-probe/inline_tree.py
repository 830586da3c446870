"""Whether C2 inlined Env.stepInto into a method, read from a -XX:+LogCompilation file.

Usage: inline_tree.py LOG 'VectorEnv step'  ->  one line about the last full (not on-stack-replacement) C2 compile of
the method whose log name contains the text: 'stepInto inlined' or 'stepInto called (<C2's reason>)'.
"""
import re
import sys

log = open(sys.argv[1], errors='replace').read()
verdict = 'no C2 compile of ' + sys.argv[2]
for task in re.finditer(r"<task compile_id='(\d+)'( compile_kind='osr')? method='([^']+)'([^>]*)>(.*?)</task>",
                        log, re.S):
    _, osr, method, attrs, body = task.groups()
    if osr or "level='" in attrs or sys.argv[2] not in method:
        continue  # C2's tasks carry no level attribute; C1's do
    names = {m.group(1): m.group(2) for m in re.finditer(r"<method id='(\d+)' holder='\d+' name='([^']+)'", body)}
    call = None
    found = []
    for event in re.finditer(r"<call method='(\d+)'|<inline_fail reason='([^']+)'|<inline_success", body):
        if event.group(1):
            call = names.get(event.group(1))
        elif call == 'stepInto':
            found.append('stepInto called (' + event.group(2) + ')' if event.group(2) else 'stepInto inlined')
            call = None
    verdict = found[0] if found else 'no stepInto call site'
print(verdict)
