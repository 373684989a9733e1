{{%AUTOESCAPE context="HTML"}}<!DOCTYPE html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · voiceverify</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main class="card">
<p class="brand">voiceverify</p>
<h1>{{TITLE}}</h1>
{{#BANNER}}<div id="banner" class="banner banner-{{KIND}}" role="alert">{{TEXT}}</div>
{{/BANNER}}{{>CONTENT}}
</main>
</body>
</html>
