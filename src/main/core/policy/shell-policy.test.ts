import { describe, expect, it } from 'vitest'
import type { ActionType, RiskLevel } from '../../../shared/events'
import { callCovered, SHELL_TOOL } from './rules'
import { assessShellCommand, POLICY_RUN_ENV } from './shell-policy'

describe('must ask, even when the planner says none', () => {
  const mustAsk: [string, ActionType][] = [
    ['ls && rm -rf x', 'file_write'],
    ['echo $(id)', 'system_info'],
    ['cat f > /etc/x', 'file_write'],
    ['sudo apt update', 'privileged'],
    ['curl http://x', 'network'],
    ["bash -c 'ls'", 'unknown'],
    ['xargs rm', 'file_write'],
    ['find . -delete', 'file_write'],
    ['sed -i s/a/b/ f', 'file_write'],
    ['touch a.txt', 'file_write'],
    ['mv a b', 'file_write'],
    ['chmod +x run.sh', 'file_write'],
    ['tee out.txt', 'file_write'],
    ['kill 1234', 'process'],
    ['pkill node', 'process'],
    ['systemctl restart nginx', 'process'],
    ['service nginx stop', 'process'],
    ['apt install htop', 'package_install'],
    ['apt-get remove htop', 'package_install'],
    ['apt upgrade', 'package_install'],
    ['npm install left-pad', 'package_install'],
    ['pip install requests', 'package_install'],
    ['brew install jq', 'package_install'],
    ['wget http://x', 'network'],
    ['ssh host', 'network'],
    ['git pull', 'network'],
    ['git push', 'network'],
    ['git clone https://x', 'network'],
    ['git fetch', 'network'],
    ['ping -c1 example.com', 'network'],
    ['git commit -m x', 'file_write'],
    ['npm test', 'unknown'],
    ['python3 script.py', 'unknown'],
    ['node -e "1"', 'unknown'],
    ['env', 'unknown'],
    ['env FOO=1 ls', 'unknown'],
    ['./ls', 'unknown'],
    ['frobnicate --all', 'unknown'],
    ['ls > out.txt', 'file_write'],
    ['cat < /etc/passwd', 'file_read'],
    ['(ls)', 'file_read'],
    ['ls &', 'file_read'],
    ['FOO=1 ls', 'file_read'],
    ['echo `whoami`', 'system_info'],
    ['cat <(ls)', 'file_read'],
    ['echo $HOME', 'system_info'],
    ["echo 'unterminated", 'system_info'],
    ['curl x | bash', 'network'],
    ['git branch -D main', 'file_write'],
    ['git branch newbranch', 'file_write'],
    ['git remote add origin u', 'file_write'],
    ['git diff --output=/tmp/x', 'file_write'],
    ['sort -o out.txt in.txt', 'file_write'],
    ['tree -o out.txt', 'file_write'],
    ['uniq in out', 'file_write'],
    ['sed -n "w out" f', 'file_write'],
    ['sed -n "s/a/b/w out" f', 'file_write'],
    ['hostname evil', 'process'],
    ['date -s "2020-01-01"', 'process'],
    ['ip link set eth0 down', 'network'],
    ['dpkg -i x.deb', 'package_install'],
    ['timeout 5 ls', 'unknown']
  ]
  it.each(mustAsk)('%s → %s', async (command, action) => {
    const a = await assessShellCommand(command, 'none')
    expect(a.needs_approval).toBe(true)
    expect(a.action_type).toBe(action)
    expect(a.reasons.length).toBeGreaterThan(0)
    expect(['medium', 'high']).toContain(a.risk_level)
    expect(a.outside_workspace).toEqual([])
  })
})

describe('must not ask', () => {
  const mustNotAsk: [string, ActionType, RiskLevel][] = [
    ['ls -la', 'file_read', 'low'],
    // Streams pointed at /dev/null or another descriptor, and a plain `[ … ]` test.
    ['ls 2>/dev/null', 'file_read', 'low'],
    ['ls -la 2>&1 | head -5', 'file_read', 'low'],
    ['cat README.md >/dev/null', 'file_read', 'low'],
    ['[ -f README.md ] && echo yes', 'file_read', 'low'],
    // Versions, stash lists, print-only awk and plain hex dumps.
    ['node --version', 'system_info', 'none'],
    ['python3 --version', 'system_info', 'none'],
    ['git stash list', 'file_read', 'low'],
    ["awk '{print $1}' README.md", 'file_read', 'low'],
    ["awk 'NR == 2 {print $2}' README.md", 'file_read', 'low'],
    ['xxd README.md', 'file_read', 'low'],
    ['uname -a', 'system_info', 'none'],
    ['apt list --upgradable', 'package_check', 'low'],
    ['git status && git log --oneline -5', 'file_read', 'low'],
    ['cat README.md | head -20', 'file_read', 'low'],
    ["find . -name '*.ts'", 'file_read', 'low'],
    ['pwd', 'system_info', 'none'],
    ['whoami', 'system_info', 'none'],
    ['id', 'system_info', 'none'],
    ['df -h', 'system_info', 'none'],
    ['free -m', 'system_info', 'none'],
    ['ps aux', 'system_info', 'none'],
    ['uptime', 'system_info', 'none'],
    ['nproc', 'system_info', 'none'],
    ['lscpu', 'system_info', 'none'],
    ['lsblk', 'system_info', 'none'],
    ['lsb_release -a', 'system_info', 'none'],
    ['hostname -I', 'system_info', 'none'],
    ['date +%Y-%m-%d', 'system_info', 'none'],
    ['date -d yesterday', 'system_info', 'none'],
    ['ip addr', 'system_info', 'none'],
    ['ip -br a show', 'system_info', 'none'],
    ['which node', 'system_info', 'none'],
    ['command -v git', 'system_info', 'none'],
    ['echo hello world', 'system_info', 'none'],
    ['cat /etc/os-release', 'file_read', 'low'],
    ['head -n 5 a.txt', 'file_read', 'low'],
    ['tail -20 log.txt', 'file_read', 'low'],
    ['wc -l *.ts', 'file_read', 'low'],
    ['grep -rn "TODO" src', 'file_read', 'low'],
    ['rg -n foo --glob "*.ts"', 'file_read', 'low'],
    ['find . -type f -name "*.md" -print', 'file_read', 'low'],
    ["sed -n '1,20p' file.txt", 'file_read', 'low'],
    ["sed -n -e '/start/,/end/p' -e '$=' file.txt", 'file_read', 'low'],
    ['sort -u -k2 names.txt', 'file_read', 'low'],
    ['tree -L 2', 'file_read', 'low'],
    ['du -sh .', 'file_read', 'low'],
    ['stat package.json', 'file_read', 'low'],
    ['file image.png', 'file_read', 'low'],
    ['cd src && ls', 'file_read', 'low'],
    ['git diff HEAD~1 -- src', 'file_read', 'low'],
    ['git show HEAD --stat', 'file_read', 'low'],
    ['git branch -a', 'file_read', 'low'],
    ['git branch --list "feat*"', 'file_read', 'low'],
    ['git remote -v', 'file_read', 'low'],
    ['git rev-parse HEAD', 'file_read', 'low'],
    ['git ls-files', 'file_read', 'low'],
    ['git -C sub status', 'file_read', 'low'],
    ['apt-cache search htop', 'package_check', 'low'],
    ['apt-cache policy htop', 'package_check', 'low'],
    ['apt list --installed', 'package_check', 'low'],
    ['dpkg -l', 'package_check', 'low'],
    ['dpkg -s bash', 'package_check', 'low'],
    ['npm ls --depth=0', 'package_check', 'low'],
    ['npm outdated', 'package_check', 'low'],
    ['npm view react version', 'package_check', 'low'],
    ['pip list', 'package_check', 'low'],
    ['/usr/bin/ls -la', 'file_read', 'low']
  ]
  it.each(mustNotAsk)('%s → %s / %s', async (command, action, risk) => {
    const a = await assessShellCommand(command, 'none')
    expect(a).toMatchObject({
      needs_approval: false,
      reasons: [],
      action_type: action,
      risk_level: risk,
      privileged: false,
      outside_workspace: []
    })
  })
})

describe('apt list --upgradable', () => {
  it('is package_check with risk low and key `apt list`', async () => {
    expect(await assessShellCommand('apt list --upgradable')).toEqual({
      risk_level: 'low',
      action_type: 'package_check',
      needs_approval: false,
      reasons: [],
      outside_workspace: [],
      privileged: false,
      rule_keys: ['apt list'],
      rule_parts: [{ key: 'apt list', words: 'apt list --upgradable' }],
      run_env: POLICY_RUN_ENV
    })
  })
})

describe('privileged commands', () => {
  it.each([
    'sudo apt update',
    'sudo ls',
    'su -c "ls" root',
    'pkexec ls',
    'doas rm x',
    '/usr/bin/sudo id',
    'ls && sudo -u bob id',
    'echo $(sudo id)'
  ])('%s needs a person every time and can never be a rule', async (command) => {
    const a = await assessShellCommand(command, 'none')
    expect(a).toMatchObject({ privileged: true, needs_approval: true, rule_keys: [], risk_level: 'high' })
  })

  it('classifies what sudo runs, for information', async () => {
    const a = await assessShellCommand('sudo apt update')
    expect(a.action_type).toBe('privileged')
    expect(a.reasons).toEqual([
      '`sudo` runs a command as the administrator (root)',
      '`apt update` installs or changes software packages'
    ])
    const rm = await assessShellCommand('sudo rm -rf /tmp/x')
    expect(rm.reasons).toContain('`rm -r` deletes folders and everything in them')
  })
})

describe('risk levels', () => {
  it.each<[string, RiskLevel]>([
    ['rm x', 'medium'],
    ['rm -rf x', 'high'],
    ['rm -r x', 'high'],
    ['rm --recursive x', 'high'],
    ['find . -delete', 'high'],
    ['apt install x', 'high'],
    ['npm install', 'high'],
    ['dd if=/dev/zero of=/dev/sda', 'high'],
    ['mkfs.ext4 /dev/sdb1', 'high'],
    ['git push --force', 'high'],
    ['git reset --hard', 'high'],
    ['git clean -fd', 'high'],
    ['curl x', 'medium'],
    ['kill 1', 'medium'],
    ['echo $(id)', 'medium'],
    ['ls > f', 'medium'],
    ['ls && rm -rf x', 'high'],
    ['ls && touch x', 'medium']
  ])('%s → %s', async (command, risk) => {
    expect((await assessShellCommand(command)).risk_level).toBe(risk)
  })
})

describe('compound commands', () => {
  it('take the highest risk and the most dangerous action', async () => {
    const a = await assessShellCommand('ls && curl x | tee out && rm -rf build')
    expect(a.risk_level).toBe('high')
    expect(a.action_type).toBe('file_write')
    expect(a.rule_keys).toEqual(['ls', 'curl', 'tee', 'rm -r'])
  })

  it('list only the reasons of the parts that need a person', async () => {
    const a = await assessShellCommand('ls && rm -rf x')
    expect(a.reasons).toEqual(['`rm -r` deletes folders and everything in them'])
  })

  it('privileged beats package_install', async () => {
    const a = await assessShellCommand('apt install x; sudo ls')
    expect(a.action_type).toBe('privileged')
  })
})

describe('planner risk', () => {
  it('raises the risk but never lowers it', async () => {
    expect((await assessShellCommand('ls', 'medium')).risk_level).toBe('medium')
    expect((await assessShellCommand('rm -rf x', 'low')).risk_level).toBe('high')
    expect((await assessShellCommand('rm -rf x', 'none')).risk_level).toBe('high')
  })

  it('does not change needs_approval below high', async () => {
    const a = await assessShellCommand('uname -a', 'medium')
    expect(a.risk_level).toBe('medium')
    expect(a.needs_approval).toBe(false)
    expect(a.reasons).toEqual([])
  })

  it('asks when the planner says high, even for read-only commands', async () => {
    const a = await assessShellCommand('ls', 'high')
    expect(a.needs_approval).toBe(true)
    expect(a.risk_level).toBe('high')
    expect(a.reasons).toEqual(['the planner rated this step as high risk'])
  })
})

describe('rule keys', () => {
  it.each<[string, string[]]>([
    ['touch a.txt', ['touch']],
    ['git status -s', ['git status']],
    ['apt list --upgradable', ['apt list']],
    ['npm test', ['npm test']],
    ['npm run build', ['npm run build']],
    ['npm --prefix web install', ['npm install']],
    ['git -C sub commit -m x', ['git commit']],
    ['apt-get -y install htop', ['apt-get install']],
    ['sudo apt update', []],
    ['docker compose up -d', ['docker compose up']],
    ['systemctl --user restart x', ['systemctl restart']],
    ['cargo build --release', ['cargo build']],
    ['pip install -r requirements.txt', ['pip install']],
    ['brew install jq', ['brew install']],
    ['kubectl -n prod get pods', ['kubectl get']],
    ['go test ./...', ['go test']],
    ['yarn add react', ['yarn add']],
    ['pnpm add react', ['pnpm add']],
    ['snap install code', ['snap install']],
    ['flatpak install x', ['flatpak install']],
    ['dnf install x', ['dnf install']],
    ['git status && git status', ['git status']],
    ['ls | wc -l', ['ls', 'wc']],
    ['rm a && rm -rf b', ['rm', 'rm -r']],
    ['echo $(id)', []],
    ['ls > x', []],
    ["bash -c 'ls'", []],
    ['bash -o pipefail -c ls', []],
    ['curl x | bash', []],
    ['xargs rm', []],
    ['find . -exec rm {} +', []],
    ["python3 -c 'print(1)'", []],
    ['eval ls', []],
    ['coproc ls', []],
    ["trap 'rm x' EXIT", []],
    ['git -c core.pager=evil log', []],
    ['git config core.fsmonitor evil', []],
    ['rg --pre evil x', []],
    ["sed -n '1e id' f", []],
    ['ls && xargs rm', []]
  ])('%s → %j', async (command, keys) => {
    expect((await assessShellCommand(command)).rule_keys).toEqual(keys)
  })
})

describe('argument checks on read-only programs', () => {
  it.each([
    ['find . -exec rm {} ;'],
    ['find . -execdir ls ;'],
    ['find . -ok rm {} ;'],
    ['find . -okdir rm {} ;'],
    ['find . -fprint out'],
    ['find . -fprintf out %p'],
    ['find . -fls out'],
    ['find . -name *.ts'],
    ['find *'],
    ['sed -n -i p f'],
    ['sed -ni p f'],
    ['sed -n --in-place p f'],
    ['sed -n --in p f'],
    ['sed -n -f script.sed f'],
    ['sed -n "e id" f'],
    ['sed -n "s/a/b/e" f'],
    ['sed -n "1W out" f'],
    ['sed "p" f'],
    ['sed -n p *'],
    ['sort --output=x f'],
    ['sort -uo x f'],
    ['sort --compress-program=sh f'],
    ['rg --pre sh x'],
    ['rg --pre=sh x'],
    ['rg -z x'],
    ['rg --search-zip x'],
    ['git grep -O foo'],
    ['git log --output=x'],
    ['git diff --ext-diff'],
    ['git --git-dir=/elsewhere/.git status'],
    ['git --exec-path=/evil status'],
    ['git tag v1'],
    ['git tag -d v1'],
    ['git branch -m a b'],
    ['git remote show origin'],
    ['git config user.name x'],
    ['apt -o APT::Update::Pre-Invoke::=evil list'],
    ['file -C'],
    ['tree -R -H x'],
    ['uniq a b'],
    ['hostname -F file'],
    ['date 010100002020'],
    ['ip netns exec x sh'],
    ['ip -b cmds.txt'],
    ['constructor'],
    ['toString'],
    ['git constructor'],
    ['apt __proto__'],
    ['coproc rm x'],
    ['docker -H ssh://evil ps'],
    ['docker --context x ps'],
    ['pip list --python /tmp/evil'],
    ['pip --python /tmp/evil list'],
    ['dnf list --setopt=pluginpath=/x'],
    ["trap 'rm -rf x' EXIT"],
    ['hash -p ./evil ls'],
    ['[[ -f x ]]'],
    ['awk \'{print > "out"}\' f'],
    ['awk \'{print $1 >> "/etc/x"}\' f'],
    ['awk \'{ getline line < "/etc/shadow" }\' f'],
    ['xxd -r dump bin'],
    ['xxd a b'],
    ['git stash list --ext-diff'],
    ['node --version --require ./x'],
    ['[ -f $(rm x) ]']
  ])('%s asks', async (command) => {
    expect((await assessShellCommand(command)).needs_approval).toBe(true)
  })

  it.each([
    ['git tag'],
    ['git tag -l "v1*"'],
    ['git branch --contains HEAD'],
    ['git config --get user.name'],
    ['git log --format="%h %s" -n 3'],
    ['git log -- "*.ts"'],
    ['rg --pre-glob "*.gz" foo'],
    ['sed -n "/a/{p;q}" f'],
    ['sed -n "s/a/b/gp" f'],
    ['sed -En "s|/usr|X|p" f'],
    ["sed -n '$p' f"],
    ['sort -rk2 f'],
    ['ls *'],
    ['cat *.md'],
    ['test -f package.json'],
    ['echo a\\;rm x']
  ])('%s does not ask', async (command) => {
    expect((await assessShellCommand(command)).needs_approval).toBe(false)
  })
})

describe('wrappers and interpreters', () => {
  it('classify the wrapped program for information', async () => {
    const a = await assessShellCommand('xargs -0 rm -rf')
    expect(a.risk_level).toBe('high')
    expect(a.action_type).toBe('file_write')
    expect(a.reasons).toContain('`rm -r` deletes folders and everything in them')
  })

  it('look inside bash -c strings', async () => {
    const a = await assessShellCommand("bash -c 'sudo rm -rf /'")
    expect(a.privileged).toBe(true)
    expect(a.action_type).toBe('privileged')
    expect(a.rule_keys).toEqual([])
  })

  it('classify python -m pip like pip', async () => {
    const a = await assessShellCommand('python3 -m pip install requests')
    expect(a.action_type).toBe('package_install')
    expect(a.rule_keys).toEqual(['python3 -m pip install'])
  })

  it('treat commands at unusual paths as unknown programs', async () => {
    const a = await assessShellCommand('./cat README.md')
    expect(a.needs_approval).toBe(true)
    expect(a.reasons).toEqual(['`./cat` runs a program from a file path'])
  })
})

describe('reasons', () => {
  it('are plain sentences about the command', async () => {
    expect((await assessShellCommand('echo $(id)')).reasons).toEqual(['the command uses command substitution `$(…)`'])
    expect((await assessShellCommand('cat f > /etc/x')).reasons).toEqual([
      'output is redirected to a file (`> /etc/x`)'
    ])
    expect((await assessShellCommand('touch a')).reasons).toEqual(['`touch` changes files'])
    expect((await assessShellCommand('curl http://x')).reasons).toEqual(['`curl` uses the network'])
  })
})

describe('rule keys never cover code-running or destructive forms (finding 3)', () => {
  it.each<[string, string[]]>([
    // sed: scripts that run commands or cannot be checked have no key; in-place edits and
    // `w` writes have their own.
    ["sed 's/[/]/x/e' notes.txt", []],
    ["sed -n 's/a/b/e' f", []],
    ["sed -i 's/x/y/e' f", []],
    ["sed -n 'k' f", []],
    ['sed -n --frobnicate p f', []],
    ['sed -n -f script.sed f', []],
    ['sed -i s/a/b/ f', ['sed -i']],
    ['sed --in-place s/a/b/ f', ['sed -i']],
    ['sed -i.bak s/a/b/ f', ['sed -i']],
    ['sed -ni p f', ['sed -i']],
    ['sed -n --in p f', ['sed -i']],
    ["sed -n 'w out' f", ['sed w']],
    ["sed -n 's/a/b/w out' f", ['sed w']],
    ["sed -i 's/a/b/w out' f", []],
    ["sed 's/a/b/' f", ['sed']],
    // tar, zip, rsync, ssh & co: options that run programs
    ['tar -xf a.tar', ['tar']],
    ['tar --to-command=sh -xf a.tar', []],
    ["tar --checkpoint=1 --checkpoint-action=exec='sh x' -cf a.tar .", []],
    ['tar --use-compress-program=x -cf a.tar .', []],
    ['tar --use-comp=x -cf a.tar .', []],
    ['tar -I zstd -cf a.tar .', []],
    ['tar xIf zstd a.tar', []],
    ['tar -F script.sh -cf a.tar .', []],
    ['tar --info-script=x -cf a.tar .', []],
    ['tar --new-volume-script=x -cf a.tar .', []],
    ['tar --rsh-command=x -cf host:a.tar .', []],
    ['zip a.zip f', ['zip']],
    ['zip -T a.zip f', []],
    ["zip -T -TT 'sh -c x' a.zip f", []],
    ["zip --test --unzip-command 'sh -c x' a.zip f", []],
    ['rsync -a a b', ['rsync']],
    ['rsync -e ssh a host:b', []],
    ["rsync -ave 'sh -c x' a host:b", []],
    ['rsync --rsh=x a host:b', []],
    ['rsync --rsync-path=x a host:b', []],
    ['ssh host', ['ssh']],
    ['ssh -o ProxyCommand=x host', []],
    ['ssh -oLocalCommand=x -o PermitLocalCommand=yes host', []],
    ['ssh -S /tmp/sock host', []],
    ['ssh -F cfg host', []],
    ['ssh -J jump host', []],
    ['scp -o ProxyCommand=x a host:b', []],
    ['scp -S prog a host:b', []],
    ['sftp -o ProxyCommand=x host', []],
    ['sftp -b batch host', []],
    // git push and reset
    ['git push', ['git push']],
    ['git push origin main', ['git push']],
    ['git push origin +main', ['git push --force']],
    ['git push origin +main:main', ['git push --force']],
    ['git push origin :old', ['git push --force']],
    ['git push --force-with-lease', ['git push --force']],
    ['git push --force-with-lease=main:abc', ['git push --force']],
    ['git push --forc', ['git push --force']],
    ['git push --mirror', ['git push --force']],
    ['git push --delete origin x', ['git push --force']],
    ['git push -d origin x', ['git push --force']],
    ['git push --prune origin', ['git push --force']],
    ['git push --receive-pack=x /tmp/r', []],
    ['git reset HEAD~1', ['git reset']],
    ['git reset --hard', ['git reset --hard']],
    ['git reset --ha', ['git reset --hard']],
    ['git reset --har HEAD~1', ['git reset --hard']],
    // other tables
    ['find . -exec cat {} +', []],
    ['find . -delete', ['find -delete']],
    ['xargs cat', []],
    ["awk '{ n += mystery($1) }' f", ['awk']],
    ['awk \'BEGIN{system("id")}\'', []],
    ['awk \'{print | "sh"}\' f', []],
    ['awk \'BEGIN{print ENVIRON["HOME"]}\'', []],
    ['awk --source=\'BEGIN{system("id")}\' f', []],
    ['awk -f prog.awk f', []],
    ['less f', []],
    ['more f', []],
    ['vim f', []],
    ['vi f', []],
    ['nano f', []],
    ['git -c core.pager=x log', []],
    ['git diff --ext-diff', []],
    ['git log --output=x', ['git log --output']],
    ['git clone --upload-pack=x /tmp/r', []],
    ['git clone -c core.sshCommand=x host:r', []],
    ['git clone --template=t https://x/r', []],
    ['git fetch --upload-pack=x /tmp/r', []],
    ['git submodule foreach rm -rf .', []],
    ['git submodule update', ['git submodule update']],
    ['git clean -n', ['git clean']],
    ['git clean -fdx', ['git clean -f']],
    ['git branch new', ['git branch']],
    ['git branch -D old', ['git branch --delete']],
    ['git branch --del old', ['git branch --delete']],
    ['git tag -d v1', ['git tag --delete']],
    ['git stash', ['git stash']],
    ['git stash drop', ['git stash drop']],
    ['git stash clear', ['git stash clear']],
    ['git remote add o u', ['git remote add']],
    ['git remote remove o', ['git remote remove']],
    ['git checkout main', ['git checkout']],
    ['git checkout -f main', ['git checkout --force']],
    ['npm run build', ['npm run build']],
    ['npm exec evil', []],
    ['npm x evil', []],
    ['pnpm dlx evil', []],
    ['yarn node -e x', []],
    ['npm init vite', []],
    ['npm run build --script-shell=./evil.sh', []],
    ['npm config get registry', ['npm config get']],
    ['npm config set script-shell ./evil.sh', []],
    ['npm set script-shell=./evil.sh', []],
    ['npm pkg set scripts.test=x', []],
    ['npx cowsay', ['npx cowsay']],
    ['npx -p evil cowsay', []],
    ['npx --package=evil cowsay', []],
    ['make', ['make']],
    ['make test', ['make test']],
    ['make -j4 test', ['make test']],
    ['make -C docs html', ['make -C docs html']],
    ['make -f other.mk', []],
    ['make --eval=x', []],
    ['make CC=evil', []],
    ['go test ./...', ['go test']],
    ["go test -exec 'sh -c x' ./...", []],
    ['go build -toolexec=x', []],
    ['python3 script.py', ['python3']],
    ['python3 -m http.server', ['python3 -m http.server']],
    ['node -r ./evil.js app.js', []],
    ['node --import=./evil.mjs app.js', []],
    ['apt-get update', ['apt-get update']],
    ['apt-get -o APT::Update::Pre-Invoke::=evil update', []],
    ['apt -c evil.conf install x', []],
    ['pip list --python /tmp/evil', []],
    ['docker -H ssh://evil ps', []],
    ['docker run alpine', ['docker run']],
    ['docker run --privileged alpine', []],
    ['docker run -v /:/host alpine', []],
    ['docker run --mount type=bind,src=/,dst=/h alpine', []],
    ['docker volume ls', ['docker volume ls']],
    ['docker volume rm x', ['docker volume rm']],
    ['docker system prune -a', ['docker system prune']],
    ['kubectl rollout status d', ['kubectl rollout status']],
    ['kubectl rollout restart d', ['kubectl rollout restart']],
    ['kubectl --kubeconfig=evil get pods', []],
    ['gh pr view 1', ['gh pr view']],
    ['gh repo delete x', ['gh repo delete']],
    ['gh api repos/o/r', ['gh api']],
    ['gh api -X DELETE repos/o/r', []],
    ['gh api graphql -f query=x', []],
    ['conda run -n e rm -rf x', []],
    ['pipx run black', ['pipx run black']],
    ['pipx run --spec evil black', []],
    ['cargo --config x run', []],
    ['man ls', ['man']],
    ["man -P 'sh -c x' ls", []],
    ['file -C -m x', ['file -C']],
    ['find *', []],
    ['sed -n p *', []]
  ])('%s → %j', async (command, keys) => {
    const a = await assessShellCommand(command)
    expect(a.rule_keys).toEqual(keys)
    expect(a.needs_approval).toBe(true)
  })

  it('a rule for the everyday form never covers the dangerous one', async () => {
    const covered = async (command: string, pattern: string): Promise<boolean> =>
      callCovered(await assessShellCommand(command), [{ tool: SHELL_TOOL, pattern }], SHELL_TOOL)
    expect(await covered("sed 's/a/b/' f", 'sed')).toBe(true)
    expect(await covered('sed -i s/a/b/ f', 'sed')).toBe(false)
    expect(await covered("sed -n 'w out' f", 'sed')).toBe(false)
    expect(await covered("sed 's/[/]/x/e' notes.txt", 'sed')).toBe(false)
    expect(await covered('git push origin +main', 'git push')).toBe(false)
    expect(await covered('git push origin :main', 'git push')).toBe(false)
    expect(await covered('git reset --ha', 'git reset')).toBe(false)
    expect(await covered('tar --to-command=sh -xf a.tar', 'tar')).toBe(false)
    expect(await covered('ssh -o ProxyCommand=x host', 'ssh')).toBe(false)
    expect(await covered('make deploy', 'make')).toBe(false)
    expect(await covered('docker compose down -v', 'docker compose')).toBe(false)
  })
})

describe('workspace parameter', () => {
  it('changes nothing for commands inside the workspace and nothing without one', async () => {
    const without = await assessShellCommand('ls -la')
    const within = await assessShellCommand('ls -la', undefined, process.cwd())
    expect(within).toEqual(without)
  })
})
