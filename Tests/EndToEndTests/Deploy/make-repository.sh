#!/usr/bin/env bash
# The deploy test's repository: a clone of this one (HEAD's commit, no working-tree changes) with three branches:
#   deploy-test        HEAD as it is: a good release
#   broken-migration   one commit more, adding a migration with invalid SQL: `menu-api migrate` fails
#   unready            one commit more, adding deploy-test-unready (see fast-build.sh): readiness fails
# usage: make-repository.sh SOURCE_REPOSITORY DEST
set -euo pipefail
source=${1:?source repository} dest=${2:?destination}
git clone -q --no-checkout "$source" "$dest"
cd "$dest"
git checkout -q -B deploy-test "$(git -C "$source" rev-parse HEAD)"
commit() { git -c user.name="deploy test" -c user.email=deploy-test@localhost commit -q -m "$1"; }
git checkout -q -b broken-migration deploy-test
echo "CREATE TABLE deploy_test_broken (id integer PRIMARY KEY,, oops);" >Sources/MenuStorage/Migrations/9999_broken.sql
git add Sources/MenuStorage/Migrations/9999_broken.sql
commit "A migration with a syntax error"
git checkout -q -b unready deploy-test
touch deploy-test-unready
git add deploy-test-unready
commit "A release whose responder cannot reach PostgreSQL"
git checkout -q deploy-test
