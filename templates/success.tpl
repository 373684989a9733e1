{{%AUTOESCAPE context="HTML"}}<p>{{PAGE_SUCCESS_TEXT}}</p>
<p class="aside">{{PAGE_SUCCESS_NUMBER}} <strong>{{MASKED_NUMBER}}</strong></p>
<p><a href="/">{{PAGE_SUCCESS_AGAIN}}</a></p>
