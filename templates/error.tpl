{{%AUTOESCAPE context="HTML"}}<p>{{MESSAGE}}</p>
<p class="aside">{{PAGE_ERROR_LABEL}} {{STATUS}} · <a href="/">{{PAGE_ERROR_BACK}}</a></p>
