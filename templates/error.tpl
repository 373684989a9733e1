{{%AUTOESCAPE context="HTML"}}<p>{{MESSAGE}}</p>
<p class="aside">Error {{STATUS}} · <a href="/">Back to the start</a></p>
